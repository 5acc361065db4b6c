import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../errors.ts';
import { cleanPhone } from '../../kernel/people/person-input.ts';
import type { AppDeps } from '../app.ts';
import { IfMatchHeader, expectedVersion, withEtag } from '../optimistic-concurrency.ts';
import { requestContext } from '../request-context.ts';

const SmsSettingsSchema = Type.Object({
  url: Type.String(),
  sender: Type.String(),
  tokenSet: Type.Boolean(),
  timeoutMs: Type.Integer(),
  version: Type.Integer(),
  updatedAt: Type.String(),
});
// Lengths only here: the store checks the rules and names the field in its problem document.
const SmsSettingsInputSchema = Type.Object(
  {
    url: Type.String({ maxLength: 2000 }),
    sender: Type.String({ maxLength: 100 }),
    token: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
    timeoutMs: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);

/**
 * SMS gateway settings of the workspace (settings permissions): read (the token is write-only), save (If-Match, `"0"`
 * before the first save), remove, and send a test text. Without settings the portal does not offer "text me a code".
 */
export function smsSettingsRoutes(deps: Pick<AppDeps, 'db' | 'smsSettings'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['settings'];
    const { smsSettings } = deps;

    app.get(
      '/api/v1/settings/sms',
      {
        config: { access: 'settings:read' },
        schema: { tags, summary: "The workspace's SMS gateway settings (the token is never returned); null when none", response: { 200: Type.Object({ settings: Type.Union([SmsSettingsSchema, Type.Null()]) }) } },
      },
      async (request, reply) => {
        const settings = await smsSettings.find(deps.db.kysely, requestContext(request).workspaceId);
        withEtag(reply, settings?.version ?? 0);
        return { settings: settings ?? null };
      },
    );

    app.put(
      '/api/v1/settings/sms',
      {
        config: { access: 'settings:write' },
        schema: { tags, summary: 'Save the SMS gateway settings; requires If-Match ("0" before the first save); omit the token to keep it', headers: IfMatchHeader, body: SmsSettingsInputSchema, response: { 200: SmsSettingsSchema } },
      },
      async (request, reply) => {
        const expected = expectedVersion(request, 'sms settings');
        const saved = await smsSettings.save(deps.db.kysely, requestContext(request), request.body, expected === 0 ? null : expected);
        withEtag(reply, saved.version);
        return saved;
      },
    );

    app.delete(
      '/api/v1/settings/sms',
      { config: { access: 'settings:write' }, schema: { tags, summary: "Remove the workspace's SMS gateway settings (no SMS is sent any more)" } },
      async (request, reply) => {
        await smsSettings.remove(deps.db.kysely, requestContext(request));
        return reply.code(204).send();
      },
    );

    app.post(
      '/api/v1/settings/sms/test',
      {
        config: { access: 'settings:write' },
        schema: { tags, summary: 'Send a test text message with the current settings', body: Type.Object({ to: Type.String({ maxLength: 40 }) }, { additionalProperties: false }), response: { 200: Type.Object({ sent: Type.Boolean() }) } },
      },
      async (request) => {
        const to = cleanPhone(request.body.to);
        if (!to) throw new AppError('VALIDATION_FAILED', { detail: 'to: must be a phone number in international form', errors: [{ path: '/to', message: 'must be a phone number in international form' }] });
        const sender = await smsSettings.senderFor(deps.db.kysely, requestContext(request).workspaceId);
        if (!sender) throw new AppError('NOT_FOUND', { resource: 'sms_settings' });
        await sender.send({ to, body: 'This is a test message from Custodian: the SMS settings work.' });
        return { sent: true };
      },
    );
  };
}
