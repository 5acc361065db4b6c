import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { renderConfirmPage, renderConfirmResult } from '../../consent/double-opt-in/confirmation-pages.ts';
import type { PublishedForm } from '../../consent/forms/form-store.ts';
import { escapeHtml, renderPublicPage } from '../../consent/forms/public-page.ts';
import { honeypotField, renderFormPage } from '../../consent/forms/render-form-page.ts';
import { originAllowed, type SubmissionBody } from '../../consent/forms/submit-form.ts';
import { renderPreferencePage, renderUnsubscribePage, renderUnsubscribed } from '../../consent/preferences/preference-pages.ts';
import { AppError, errorCatalogue, isAppError } from '../../errors.ts';
import type { AppDeps } from '../app.ts';

const Uuid = Type.String({ format: 'uuid', maxLength: 36 });
const FormParams = Type.Object({ formId: Uuid });
const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 300 }) });
/** Public bodies are small: a few fields and boxes. */
const publicBodyLimit = 16 * 1024;

const SubmissionSchema = Type.Object(
  {
    email: Type.Optional(Type.String({ maxLength: 320 })),
    firstName: Type.Optional(Type.String({ maxLength: 320 })),
    lastName: Type.Optional(Type.String({ maxLength: 320 })),
    phone: Type.Optional(Type.String({ maxLength: 320 })),
    purposes: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 10 })),
    [honeypotField]: Type.Optional(Type.String({ maxLength: 1000 })),
    pageUrl: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
const AnswerSchema = Type.Object({ status: Type.Literal('received'), message: Type.String(), confirmationRequired: Type.Boolean() });
const PublicFormSchema = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  title: Type.String(),
  introduction: Type.String(),
  language: Type.String(),
  submitLabel: Type.String(),
  honeypot: Type.String(),
  fields: Type.Array(Type.Object({ name: Type.String(), label: Type.String(), required: Type.Boolean() })),
  purposes: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), noticeTitle: Type.String(), noticeUrl: Type.String() })),
});
const PurposesBody = Type.Object({ purposes: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 })) });

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function linkRequest(request: FastifyRequest) {
  return { ip: request.ip, userAgent: header(request, 'user-agent'), gpc: header(request, 'sec-gpc')?.trim() === '1', requestId: request.id };
}

/** Lets an allowed website's script read the answer (and only an allowed one). */
function allowOrigin(reply: FastifyReply, origin: string): void {
  reply.header('access-control-allow-origin', origin);
  reply.header('access-control-allow-methods', 'GET, POST');
  reply.header('access-control-allow-headers', 'Content-Type, Accept');
  reply.header('access-control-max-age', '600');
  reply.header('cross-origin-resource-policy', 'cross-origin');
}

/**
 * Runs `work` once the answer is out (`finish`), or when the connection ends without it (`close`): the email goes
 * either way, and its timing never shows in the answer. Failures are logged by code only.
 */
function afterResponse(request: FastifyRequest, reply: FastifyReply, work: () => Promise<void>, what: string): void {
  let started = false;
  const run = () => {
    if (started) return;
    started = true;
    work().catch((error: unknown) => request.log.warn({ code: isAppError(error) ? error.code : 'mail_failed' }, what));
  };
  reply.raw.once('finish', run);
  reply.raw.once('close', run);
}

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
}

/**
 * The public consent channels (no login): the widget script, a form's public definition, the submission endpoint
 * (CORS limited to the form's allowed origins, preflight included), the hosted form page, the double opt-in page,
 * the RFC 8058 one-click unsubscribe and the preference centre. Pages work without JavaScript.
 */
export function publicConsentRoutes(deps: Pick<AppDeps, 'config' | 'db' | 'consentChannels'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const channels = deps.consentChannels;
    const publicUrl = deps.config.publicUrl;
    const tags = ['public consent'];

    // HTML forms post `application/x-www-form-urlencoded`; RFC 8058 one-click posts may come as multipart/form-data,
    // whose content is fixed (`List-Unsubscribe=One-Click`) and ignored.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: publicBodyLimit }, (_request, body, done) => {
      const out: Record<string, string | string[]> = {};
      for (const [key, value] of new URLSearchParams(body as string)) {
        if (key === 'purposes') out.purposes = [...((out.purposes as string[] | undefined) ?? []), value];
        else out[key] = value;
      }
      done(null, out);
    });
    app.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: publicBodyLimit }, (_request, _body, done) => done(null, {}));

    // Cross-origin responses (widget, public form API) are readable by other sites: the global header says same-origin.
    const crossOriginReadable = async (_request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      if (reply.getHeader('access-control-allow-origin')) reply.header('cross-origin-resource-policy', 'cross-origin');
      return payload;
    };

    const formFor = async (request: FastifyRequest, reply: FastifyReply, formId: string): Promise<PublishedForm | undefined> => {
      const form = await channels.forms.findPublished(deps.db.kysely, formId);
      const origin = header(request, 'origin');
      if (form && origin && originAllowed(form, origin, publicUrl)) {
        allowOrigin(reply, origin);
        reply.header('vary', 'Origin');
      }
      return form;
    };

    // The script is meant for other sites' pages: readable cross-origin (the global header says same-origin).
    const embeddable = async (_request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      reply.header('cross-origin-resource-policy', 'cross-origin');
      return payload;
    };
    app.get('/widget.js', { config: { access: 'public' }, onSend: embeddable, schema: { hide: true } }, async (request, reply) => {
      const widget = channels.widget;
      reply.header('cache-control', 'public, max-age=300').header('etag', widget.etag).header('vary', 'Accept-Encoding');
      reply.type('text/javascript; charset=utf-8');
      if (header(request, 'if-none-match') === widget.etag) return reply.code(304).send();
      if (/\bgzip\b/.test(header(request, 'accept-encoding') ?? '')) return reply.header('content-encoding', 'gzip').send(widget.gzipped);
      return reply.send(widget.source);
    });

    app.get(
      '/api/v1/public/forms/:formId',
      {
        config: { access: 'public' },
        onSend: crossOriginReadable,
        schema: { tags, summary: 'The public definition of a form (what the widget renders)', params: FormParams, response: { 200: PublicFormSchema } },
      },
      async (request, reply) => {
        const form = await formFor(request, reply, request.params.formId);
        if (!form) throw new AppError('NOT_FOUND', { resource: 'consent_form' });
        const d = form.definition;
        return {
          id: form.id,
          version: form.version,
          title: d.title,
          introduction: d.introduction,
          language: d.language,
          submitLabel: d.submitLabel,
          honeypot: honeypotField,
          fields: [...d.fields],
          purposes: d.purposes.map((p) => ({ key: p.key, label: p.label, noticeTitle: p.noticeTitle, noticeUrl: p.noticeUrl })),
        };
      },
    );

    const preflight = async (request: FastifyRequest, reply: FastifyReply, formId: string) => {
      const form = await formFor(request, reply, formId);
      if (!form) throw new AppError('NOT_FOUND', { resource: 'consent_form' });
      if (!reply.getHeader('access-control-allow-origin')) throw new AppError('ORIGIN_NOT_ALLOWED');
      return reply.code(204).send();
    };
    for (const url of ['/api/v1/public/forms/:formId', '/api/v1/public/forms/:formId/submissions']) {
      app.options(url, { config: { access: 'public' }, onSend: crossOriginReadable, schema: { tags, summary: 'CORS preflight: allowed only from the origins the form names', params: FormParams } }, (request, reply) =>
        preflight(request, reply, request.params.formId),
      );
    }

    app.post(
      '/api/v1/public/forms/:formId/submissions',
      {
        config: { access: 'public' },
        bodyLimit: publicBodyLimit,
        onSend: crossOriginReadable,
        schema: {
          tags,
          summary: 'Submit a form (widget: JSON; hosted page: form fields). Honeypot, rate limits, CORS by allowed origin',
          params: FormParams,
          body: SubmissionSchema,
          response: { 200: AnswerSchema },
        },
      },
      async (request, reply) => {
        const hosted = (header(request, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded');
        const form = await formFor(request, reply, request.params.formId);
        try {
          const answer = await channels.submit({
            formId: request.params.formId,
            channel: hosted ? 'hosted_form' : 'widget',
            origin: header(request, 'origin'),
            ...linkRequest(request),
            body: request.body as SubmissionBody,
            form,
          });
          if (answer.afterAnswer) {
            const after = answer.afterAnswer;
            afterResponse(request, reply, after, 'consent email not sent');
          }
          const body = { status: answer.status, message: answer.message, confirmationRequired: answer.confirmationRequired };
          if (hosted) return html(reply, 200, renderPublicPage({ title: form?.definition.title ?? 'Thank you', language: form?.definition.language ?? 'en', body: `<p role="status">${escapeHtml(answer.message)}</p>` }));
          return body;
        } catch (error) {
          if (!hosted || !form || !isAppError(error)) throw error;
          const status = error.status;
          const message = error.code === 'RATE_LIMITED' ? 'Too many attempts: please try again in a minute.' : error.code === 'VALIDATION_FAILED' ? formErrorText(error.details) : error.message;
          for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
          return html(reply, status, renderFormPage(form, { action: `/api/v1/public/forms/${form.id}/submissions`, error: message }));
        }
      },
    );

    app.get('/f/:formId', { config: { access: 'public' }, schema: { hide: true, params: Type.Object({ formId: Type.String({ maxLength: 64 }) }) } }, async (request, reply) => {
      const form = await channels.forms.findPublished(deps.db.kysely, request.params.formId);
      if (!form) return html(reply, 404, renderPublicPage({ title: 'Form not found', language: 'en', body: '<p>This form does not exist or was withdrawn.</p>' }));
      return html(reply, 200, renderFormPage(form, { action: `/api/v1/public/forms/${form.id}/submissions` }));
    });

    app.get('/c/:token', { config: { access: 'public' }, schema: { hide: true, params: TokenParams } }, async (request, reply) => {
      const check = await channels.confirmations.check(deps.db.kysely, request.params.token);
      if (check.status !== 'valid') return html(reply, linkStatus[check.status], renderConfirmResult(check));
      return html(reply, 200, renderConfirmPage(`/c/${request.params.token}`));
    });

    app.post('/c/:token', { config: { access: 'public' }, bodyLimit: publicBodyLimit, schema: { hide: true, params: TokenParams } }, async (request, reply) => {
      const outcome = await channels.confirm(request.params.token, linkRequest(request));
      if (outcome.status !== 'confirmed') return html(reply, linkStatus[outcome.status], renderConfirmResult(outcome));
      afterResponse(request, reply, outcome.afterAnswer, 'consent receipt not sent');
      return html(reply, 200, renderConfirmResult(outcome));
    });

    app.get('/u/:token', { config: { access: 'public' }, schema: { hide: true, params: TokenParams } }, async (request, reply) => {
      const token = request.params.token;
      const row = await channels.preferences.resolve(token);
      if (!row) return html(reply, linkStatus.invalid, renderUnsubscribed(undefined, ''));
      return html(reply, 200, renderUnsubscribePage(`/u/${token}`, `/p/${token}`));
    });

    app.post('/u/:token', { config: { access: 'public' }, bodyLimit: publicBodyLimit, schema: { hide: true, params: TokenParams } }, async (request, reply) => {
      const token = request.params.token;
      const outcome = await channels.preferences.unsubscribe(token, linkRequest(request));
      return html(reply, outcome ? 200 : linkStatus.invalid, renderUnsubscribed(outcome, `/p/${token}`));
    });

    app.get('/p/:token', { config: { access: 'public' }, schema: { hide: true, params: TokenParams } }, async (request, reply) => {
      const view = await channels.preferences.view(request.params.token, linkRequest(request));
      return html(reply, view ? 200 : linkStatus.invalid, renderPreferencePage(view, `/p/${request.params.token}`));
    });

    app.post('/p/:token', { config: { access: 'public' }, bodyLimit: publicBodyLimit, schema: { hide: true, params: TokenParams, body: PurposesBody } }, async (request, reply) => {
      const token = request.params.token;
      const result = await channels.preferences.update(token, request.body.purposes ?? [], linkRequest(request));
      if (!result) return html(reply, linkStatus.invalid, renderPreferencePage(undefined, ''));
      const view = await channels.preferences.view(token, { ...linkRequest(request), gpc: false });
      const message = result.unavailable.length > 0 ? 'Saved, except purposes without a published notice.' : 'Your choices are saved and take effect now.';
      return html(reply, 200, renderPreferencePage(view, `/p/${token}`, message));
    });

  };
}

/** Statuses of the link pages, from the error catalogue (the pages are HTML for people, not problem documents). */
const linkStatus = {
  invalid: errorCatalogue.CONSENT_LINK_INVALID.status,
  expired: errorCatalogue.CONSENT_LINK_EXPIRED.status,
  used: errorCatalogue.CONSENT_LINK_USED.status,
} as const;

function formErrorText(details: Record<string, unknown>): string {
  const errors = Array.isArray(details.errors) ? (details.errors as { path?: unknown; message?: unknown }[]) : [];
  const parts = errors.map((e) => `${String(e.path ?? '').replace(/^\//, '') || 'form'}: ${String(e.message ?? '')}`);
  return parts.length > 0 ? `Please check the form. ${parts.join('; ')}.` : 'Please check the form.';
}
