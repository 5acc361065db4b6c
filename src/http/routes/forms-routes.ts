import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { formFieldNames, type FormView } from '../../consent/forms/form-types.ts';
import { AppError } from '../../errors.ts';
import type { AppDeps } from '../app.ts';
import { sendIdempotent } from '../idempotency.ts';
import { IfMatchHeader, etagOf, expectedVersion, withEtag } from '../optimistic-concurrency.ts';
import { requestContext } from '../request-context.ts';

const text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Uuid = Type.String({ format: 'uuid', maxLength: 36 });

const FormInputSchema = Type.Object(
  {
    name: text(200),
    title: text(200),
    introduction: Type.Optional(Type.String({ maxLength: 2000 })),
    language: Type.String({ minLength: 2, maxLength: 35 }),
    purposes: Type.Array(Type.Object({ key: text(64), label: text(300) }, { additionalProperties: false }), { minItems: 1, maxItems: 10 }),
    fields: Type.Array(
      Type.Object(
        { name: Type.Union(formFieldNames.map((n) => Type.Literal(n))), label: Type.Optional(text(100)), required: Type.Optional(Type.Boolean()) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 4 },
    ),
    allowedOrigins: Type.Optional(Type.Array(text(300), { maxItems: 20 })),
    doubleOptIn: Type.Optional(Type.Boolean()),
    successMessage: Type.Optional(text(500)),
    submitLabel: Type.Optional(text(60)),
    maxSubmissionsPerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  },
  { additionalProperties: false },
);

export const FormDefinitionSchema = Type.Object({
  title: Type.String(),
  introduction: Type.String(),
  language: Type.String(),
  purposes: Type.Array(
    Type.Object({ key: Type.String(), label: Type.String(), noticeVersionId: Type.String(), noticeTitle: Type.String(), noticeUrl: Type.String(), textDigest: Type.String() }),
  ),
  fields: Type.Array(Type.Object({ name: Type.String(), label: Type.String(), required: Type.Boolean() })),
  allowedOrigins: Type.Array(Type.String()),
  doubleOptIn: Type.Boolean(),
  successMessage: Type.String(),
  submitLabel: Type.String(),
  maxSubmissionsPerMinute: Type.Integer(),
});

const FormSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  version: Type.Integer(),
  submissions: Type.Integer(),
  definition: FormDefinitionSchema,
  /** Public page of the form. */
  hostedUrl: Type.String(),
  /** The script tag to paste into a website. */
  embedSnippet: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const MailSettingsSchema = Type.Object({
  host: Type.String(),
  port: Type.Integer(),
  secure: Type.Boolean(),
  username: Type.Union([Type.String(), Type.Null()]),
  passwordSet: Type.Boolean(),
  from: Type.String(),
  version: Type.Integer(),
  updatedAt: Type.String(),
});
const MailSettingsInputSchema = Type.Object(
  {
    host: text(253),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    secure: Type.Boolean(),
    username: Type.Optional(Type.Union([text(200), Type.Null()])),
    password: Type.Optional(Type.Union([text(500), Type.Null()])),
    from: text(300),
  },
  { additionalProperties: false },
);

/**
 * Consent forms for staff (privacy permissions): create (Idempotency-Key), list with submission counts, read, and
 * new versions (If-Match; a published version never changes). SMTP settings of the workspace (settings permissions):
 * read (the password is write-only), save (If-Match, `"0"` before the first save), remove, send a test email.
 */
export function formsRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'config' | 'consentChannels'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['consent forms'];
    const { forms, mailSettings } = deps.consentChannels;
    const withLinks = (form: FormView) => ({
      ...form,
      definition: { ...form.definition, purposes: [...form.definition.purposes], fields: [...form.definition.fields], allowedOrigins: [...form.definition.allowedOrigins] },
      hostedUrl: `${deps.config.publicUrl}/f/${form.id}`,
      embedSnippet: `<script src="${deps.config.publicUrl}/widget.js" data-form="${form.id}" async></script>`,
    });

    app.get(
      '/api/v1/consent-forms',
      {
        config: { access: 'privacy:read' },
        schema: {
          tags,
          summary: 'List consent forms with their current version and submission count',
          querystring: Type.Object(
            { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })), cursor: Type.Optional(Uuid) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ items: Type.Array(FormSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
        },
      },
      async (request) => {
        const { workspaceId } = requestContext(request);
        const page = await forms.list(deps.db.kysely, workspaceId, { after: request.query.cursor, limit: request.query.limit ?? 50 });
        return { items: page.items.map(withLinks), nextCursor: page.nextCursor };
      },
    );

    app.post(
      '/api/v1/consent-forms',
      { config: { access: 'privacy:write' }, schema: { tags, summary: 'Create a consent form (version 1); accepts Idempotency-Key', body: FormInputSchema, response: { 201: FormSchema } } },
      async (request, reply) => {
        const rc = requestContext(request);
        const headersOf = (f: { id: string; version: number }) => ({ etag: etagOf(f.version), location: `/api/v1/consent-forms/${f.id}` });
        return sendIdempotent(deps.db.kysely, deps.clock, request, reply, {
          create: async () => {
            const form = withLinks(await forms.create(deps.db.kysely, rc, request.body));
            return { status: 201, resourceId: form.id, body: form, headers: headersOf(form) };
          },
          replay: async (id) => {
            const form = withLinks(await forms.getOrThrow(deps.db.kysely, rc.workspaceId, id));
            return { body: form, headers: headersOf(form) };
          },
        });
      },
    );

    app.get(
      '/api/v1/consent-forms/:formId',
      { config: { access: 'privacy:read' }, schema: { tags, summary: 'Read a consent form (current version)', params: Type.Object({ formId: Uuid }), response: { 200: FormSchema } } },
      async (request, reply) => {
        const form = await forms.getOrThrow(deps.db.kysely, requestContext(request).workspaceId, request.params.formId);
        withEtag(reply, form.version);
        return withLinks(form);
      },
    );

    app.put(
      '/api/v1/consent-forms/:formId',
      {
        config: { access: 'privacy:write' },
        schema: { tags, summary: 'Publish a new version of a consent form; requires If-Match', params: Type.Object({ formId: Uuid }), headers: IfMatchHeader, body: FormInputSchema, response: { 200: FormSchema } },
      },
      async (request, reply) => {
        const rc = requestContext(request);
        const expected = expectedVersion(request, 'consent form');
        const form = await forms.update(deps.db.kysely, rc, request.params.formId, expected, request.body);
        withEtag(reply, form.version);
        return withLinks(form);
      },
    );

    app.get(
      '/api/v1/settings/mail',
      {
        config: { access: 'settings:read' },
        schema: { tags: ['settings'], summary: "The workspace's SMTP settings (the password is never returned); null when the server's mailer is used", response: { 200: Type.Object({ settings: Type.Union([MailSettingsSchema, Type.Null()]), serverMailer: Type.String() }) } },
      },
      async (request, reply) => {
        const settings = await mailSettings.find(deps.db.kysely, requestContext(request).workspaceId);
        withEtag(reply, settings?.version ?? 0);
        return { settings: settings ?? null, serverMailer: deps.config.smtpUrl ? 'smtp' : 'outbox' };
      },
    );

    app.put(
      '/api/v1/settings/mail',
      {
        config: { access: 'settings:write' },
        schema: { tags: ['settings'], summary: 'Save SMTP settings; requires If-Match ("0" before the first save); omit the password to keep it', headers: IfMatchHeader, body: MailSettingsInputSchema, response: { 200: MailSettingsSchema } },
      },
      async (request, reply) => {
        const expected = expectedVersion(request, 'mail settings');
        const saved = await mailSettings.save(deps.db.kysely, requestContext(request), request.body, expected === 0 ? null : expected);
        withEtag(reply, saved.version);
        return saved;
      },
    );

    app.delete(
      '/api/v1/settings/mail',
      { config: { access: 'settings:write' }, schema: { tags: ['settings'], summary: "Remove the workspace's SMTP settings (the server's mailer is used again)" } },
      async (request, reply) => {
        await mailSettings.remove(deps.db.kysely, requestContext(request));
        return reply.code(204).send();
      },
    );

    app.post(
      '/api/v1/settings/mail/test',
      {
        config: { access: 'settings:write' },
        schema: { tags: ['settings'], summary: 'Send a test email with the current settings', body: Type.Object({ to: Type.String({ format: 'email', maxLength: 254 }) }, { additionalProperties: false }), response: { 200: Type.Object({ sent: Type.Boolean() }) } },
      },
      async (request) => {
        const mailer = await mailSettings.mailerFor(deps.db.kysely, requestContext(request).workspaceId);
        try {
          await mailer.send({ to: request.body.to, subject: 'Custodian test email', text: 'This is a test email from Custodian: the mail settings work.' });
        } catch (error) {
          // The server's answer may quote the address: only its class goes out.
          const code = (error as { code?: unknown }).code;
          throw new AppError('MAIL_SEND_FAILED', { reason: typeof code === 'string' && /^[A-Z_]{2,30}$/.test(code) ? code : 'unknown' });
        }
        return { sent: true };
      },
    );
  };
}
