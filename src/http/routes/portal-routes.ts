import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../../errors.ts';
import {
  renderCheckEmail,
  renderConfirmLink,
  renderPortalForm,
  renderPortalMessage,
  renderStatusPage,
  renderVerified,
  type PortalMessageKind,
} from '../../rights/portal/portal-pages.ts';
import { portalLanguage, portalTexts, type PortalLanguage } from '../../rights/portal/portal-texts.ts';
import type { AfterAnswer, PortalVisitor } from '../../rights/portal/privacy-portal.ts';
import type { AppDeps } from '../app.ts';
import { requestContext } from '../request-context.ts';
import { portalActivity } from '../../rights/portal/portal-activity.ts';

/** Public bodies are small: a few fields. */
const bodyLimit = 16 * 1024;
const WorkspaceParams = Type.Object({
  workspaceId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
});
const TokenParams = Type.Object({
  workspaceId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
  token: Type.String({ minLength: 1, maxLength: 300 }),
});
const LangQuery = Type.Object({ lang: Type.Optional(Type.String({ maxLength: 16 })) });
const SubmitBody = Type.Object(
  {
    type: Type.String({ maxLength: 32 }),
    email: Type.Optional(Type.String({ maxLength: 320 })),
    phone: Type.Optional(Type.String({ maxLength: 40 })),
    channel: Type.Optional(Type.String({ maxLength: 16 })),
    language: Type.Optional(Type.String({ maxLength: 16 })),
    message: Type.Optional(Type.String({ maxLength: 2000 })),
    rectifyField: Type.Optional(Type.String({ maxLength: 64 })),
    rectifyValue: Type.Optional(Type.String({ maxLength: 500 })),
    purposes: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20 })),
  },
  { additionalProperties: false },
);
const VerifyBody = Type.Object(
  {
    verification: Type.String({ maxLength: 64 }),
    code: Type.String({ maxLength: 16 }),
    language: Type.Optional(Type.String({ maxLength: 16 })),
    /** The code form of a texted code says so, to show "check your phone" again after a wrong code. */
    channel: Type.Optional(Type.String({ maxLength: 16 })),
  },
  { additionalProperties: false },
);

const ActivityQuery = Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })) });
const Count = Type.Integer({ minimum: 0 });
const ActivitySchema = Type.Object({
  url: Type.String({ description: 'The public portal page of this workspace' }),
  since: Type.String(),
  submissions: Count,
  verified: Count,
  expiredUnverified: Count,
  exhausted: Type.Integer({ minimum: 0, description: 'Verifications killed by five wrong codes' }),
  refusedVerifications: Count,
  refusedLinks: Count,
  downloads: Count,
  emailsPending: Count,
  emailsFailed: Count,
  textsPending: Type.Integer({ minimum: 0, description: 'Verification texts waiting for the SMS gateway' }),
  textsFailed: Type.Integer({ minimum: 0, description: 'Verification texts given up (five failures, or the code expired)' }),
});

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function visitorOf(request: FastifyRequest): PortalVisitor {
  return { ip: request.ip, requestId: request.id };
}

/** Form posts get pages; anything else (JSON clients, tests) gets JSON and problem documents. */
function isFormPost(request: FastifyRequest): boolean {
  return (header(request, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded');
}

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
}

/**
 * Runs `work` once the answer is out (`finish`) or the connection ended (`close`): the email goes either way and its
 * timing never shows in the answer. Failures are logged by code only (never an address).
 */
function afterResponse(request: FastifyRequest, reply: FastifyReply, work: AfterAnswer, what: string): void {
  let started = false;
  const run = () => {
    if (started) return;
    started = true;
    work().catch((error: unknown) =>
      request.log.warn({ code: isAppError(error) ? error.code : 'mail_failed' }, what),
    );
  };
  reply.raw.once('finish', run);
  reply.raw.once('close', run);
}

/** The neutral page for a catalogue error on a form post (status and headers from the catalogue). */
function errorPage(
  reply: FastifyReply,
  error: AppError,
  language: PortalLanguage,
  backUrl: string,
): FastifyReply {
  const kind: PortalMessageKind =
    error.code === 'RATE_LIMITED'
      ? 'tooMany'
      : error.code === 'PORTAL_VERIFICATION_FAILED'
        ? 'failed'
        : error.code === 'NOT_FOUND'
          ? 'notFound'
          : 'invalid';
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return html(reply, error.status, renderPortalMessage(kind, language, backUrl));
}

/**
 * Cross-site posts are refused (a page elsewhere cannot submit or verify in a visitor's name): the browser's
 * `Sec-Fetch-Site` must not say `cross-site`, and an `Origin`, when sent, must be this server.
 */
function assertSameOrigin(request: FastifyRequest, publicUrl: string): void {
  const site = header(request, 'sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site')
    throw new AppError('CSRF_FAILED', { detail: 'Cross-site form posts are refused' });
  const origin = header(request, 'origin');
  // `null`: the pages' `Referrer-Policy: no-referrer` makes browsers send it on same-origin posts; Sec-Fetch-Site decided.
  if (origin === undefined || origin === 'null') return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new AppError('CSRF_FAILED', { detail: 'Cross-site form posts are refused' });
  }
  if (host !== header(request, 'host') && host !== new URL(publicUrl).host)
    throw new AppError('CSRF_FAILED', { detail: 'Cross-site form posts are refused' });
}

/**
 * The privacy portal (no login): per workspace, the request form, the "check your email" page with the code form,
 * the emailed link's confirm page, the status page and the result download. Pages work without JavaScript; JSON
 * clients get JSON and RFC 9457 problems.
 */
export function portalRoutes(
  deps: Pick<AppDeps, 'config' | 'privacyPortal' | 'db' | 'clock'>,
): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const portal = deps.privacyPortal;
    const publicUrl = deps.config.publicUrl;

    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit },
      (_request, body, done) => {
        const out: Record<string, string | string[]> = {};
        for (const [key, value] of new URLSearchParams(body as string)) {
          if (key === 'purposes') out.purposes = [...((out.purposes as string[] | undefined) ?? []), value];
          else if (!(key in out)) out[key] = value;
        }
        done(null, out);
      },
    );
    app.addHook('preHandler', async (request) => {
      if (request.method === 'POST') assertSameOrigin(request, publicUrl);
    });

    app.get(
      '/api/v1/privacy-portal',
      {
        config: { access: 'requests:read' },
        schema: {
          tags: ['privacy portal'],
          summary:
            "The workspace's public portal address and its activity over the last `days` (counts only)",
          querystring: ActivityQuery,
          response: { 200: ActivitySchema },
        },
      },
      async (request) => {
        const { workspaceId } = requestContext(request);
        const now = deps.clock.now();
        const since = new Date(now.getTime() - (request.query.days ?? 30) * 86_400_000).toISOString();
        const activity = await portalActivity(deps.db.kysely, workspaceId, since, now.toISOString());
        return { url: `${publicUrl.replace(/\/$/, '')}/privacy/${workspaceId}`, ...activity };
      },
    );

    app.get(
      '/privacy/:workspaceId',
      {
        config: { access: 'public' },
        schema: { hide: true, params: WorkspaceParams, querystring: LangQuery },
      },
      async (request, reply) => {
        const language = portalLanguage(request.query.lang ?? header(request, 'accept-language'));
        const model = await portal.formModel(request.params.workspaceId);
        if (!model) return html(reply, 404, renderPortalMessage('notFound', language));
        return html(
          reply,
          200,
          renderPortalForm({ workspaceId: request.params.workspaceId, language, ...model }),
        );
      },
    );

    app.post(
      '/privacy/:workspaceId',
      {
        config: { access: 'public' },
        bodyLimit,
        attachValidation: true,
        schema: { hide: true, params: WorkspaceParams, body: SubmitBody },
      },
      async (request, reply) => {
        const form = isFormPost(request);
        const workspaceId = request.params.workspaceId;
        const body = (request.body ?? {}) as Partial<Static<typeof SubmitBody>>;
        const language = portalLanguage(typeof body.language === 'string' ? body.language : undefined);
        try {
          if (request.validationError)
            throw new AppError('VALIDATION_FAILED', { detail: 'The request is not valid' });
          const answer = await portal.submit({
            workspaceId,
            visitor: visitorOf(request),
            ...(body as Static<typeof SubmitBody>),
          });
          afterResponse(request, reply, answer.afterAnswer, 'portal verification email not sent');
          if (!form) return reply.code(202).send({ status: 'received', verification: answer.verificationId });
          return html(
            reply,
            200,
            renderCheckEmail({
              workspaceId,
              language: answer.language,
              verificationId: answer.verificationId,
              channel: answer.channel,
            }),
          );
        } catch (error) {
          if (!form || !isAppError(error)) throw error;
          if (error.code === 'VALIDATION_FAILED') {
            const model = await portal.formModel(workspaceId);
            if (model) {
              const values = Object.fromEntries(
                Object.entries(body).filter(([k]) => k !== 'email' && k !== 'phone'),
              ) as Record<string, string | string[]>;
              const smsRefused = ((error.details.errors ?? []) as { path?: string }[]).some(
                (e) => e.path === '/channel',
              );
              return html(
                reply,
                400,
                renderPortalForm({
                  workspaceId,
                  language,
                  ...model,
                  values,
                  error: smsRefused ? portalTexts[language].sms.unavailable : renderPortalMessageText(language),
                }),
              );
            }
          }
          return errorPage(reply, error, language, `/privacy/${workspaceId}`);
        }
      },
    );

    app.post(
      '/privacy/:workspaceId/verify',
      {
        config: { access: 'public' },
        bodyLimit,
        attachValidation: true,
        schema: { hide: true, params: WorkspaceParams, body: VerifyBody },
      },
      async (request, reply) => {
        const form = isFormPost(request);
        const workspaceId = request.params.workspaceId;
        const body = (request.body ?? {}) as Partial<Static<typeof VerifyBody>>;
        const language = portalLanguage(typeof body.language === 'string' ? body.language : undefined);
        try {
          if (request.validationError) throw new AppError('PORTAL_VERIFICATION_FAILED');
          const verified = await portal.verifyCode({
            workspaceId,
            visitor: visitorOf(request),
            verificationId: body.verification ?? '',
            code: (body.code ?? '').trim(),
          });
          afterResponse(request, reply, verified.afterAnswer, 'portal status email not sent');
          const statusUrl = `/privacy/${workspaceId}/status/${verified.statusToken}`;
          if (!form) return { status: 'verified', statusUrl };
          return html(
            reply,
            200,
            renderVerified({ statusUrl, language: verified.language, channel: verified.channel }),
          );
        } catch (error) {
          if (!form || !isAppError(error)) throw error;
          // A wrong code: the same code form again (the neutral sentence), so the person can retype it.
          const verificationId = body.verification ?? '';
          if (error.code === 'PORTAL_VERIFICATION_FAILED' && /^[0-9a-f-]{36}$/.test(verificationId)) {
            const page = renderCheckEmail({
              workspaceId,
              language,
              verificationId,
              error: body.channel === 'sms' ? portalTexts[language].sms.failed : portalTexts[language].failed,
              channel: body.channel === 'sms' ? 'sms' : 'email',
            });
            return html(reply, error.status, page);
          }
          return errorPage(reply, error, language, `/privacy/${workspaceId}`);
        }
      },
    );

    app.get(
      '/privacy/:workspaceId/verify/:token',
      { config: { access: 'public' }, schema: { hide: true, params: TokenParams, querystring: LangQuery } },
      async (request, reply) => {
        const { workspaceId, token } = request.params;
        // The page never looks the token up: a GET (or a mail scanner) learns nothing and uses nothing.
        return html(
          reply,
          200,
          renderConfirmLink({
            action: `/privacy/${workspaceId}/verify/${token}`,
            language: portalLanguage(request.query.lang ?? header(request, 'accept-language')),
          }),
        );
      },
    );

    app.post(
      '/privacy/:workspaceId/verify/:token',
      { config: { access: 'public' }, bodyLimit, schema: { hide: true, params: TokenParams } },
      async (request, reply) => {
        const { workspaceId, token } = request.params;
        const form = isFormPost(request);
        try {
          const verified = await portal.verifyLink({ workspaceId, visitor: visitorOf(request), token });
          afterResponse(request, reply, verified.afterAnswer, 'portal status email not sent');
          const statusUrl = `/privacy/${workspaceId}/status/${verified.statusToken}`;
          if (!form) return { status: 'verified', statusUrl };
          return html(reply, 200, renderVerified({ statusUrl, language: verified.language }));
        } catch (error) {
          if (!form || !isAppError(error)) throw error;
          return errorPage(
            reply,
            error,
            portalLanguage(header(request, 'accept-language')),
            `/privacy/${workspaceId}`,
          );
        }
      },
    );

    app.get(
      '/privacy/:workspaceId/status/:token',
      { config: { access: 'public' }, schema: { hide: true, params: TokenParams } },
      async (request, reply) => {
        const { workspaceId, token } = request.params;
        try {
          const { view, language } = await portal.status(workspaceId, token, visitorOf(request));
          return html(
            reply,
            200,
            renderStatusPage({
              view,
              language,
              downloadAction: `/privacy/${workspaceId}/status/${token}/download`,
            }),
          );
        } catch (error) {
          if (!isAppError(error)) throw error;
          return errorPage(
            reply,
            error,
            portalLanguage(header(request, 'accept-language')),
            `/privacy/${workspaceId}`,
          );
        }
      },
    );

    app.post(
      '/privacy/:workspaceId/status/:token/download',
      { config: { access: 'public' }, bodyLimit, schema: { hide: true, params: TokenParams } },
      async (request, reply) => {
        const { workspaceId, token } = request.params;
        try {
          const download = await portal.createDownloadLink(workspaceId, token, visitorOf(request));
          const url = `/privacy/${workspaceId}/download/${download}`;
          if (!isFormPost(request)) return reply.code(201).send({ downloadUrl: url });
          return reply.code(303).header('location', url).header('cache-control', 'no-store').send();
        } catch (error) {
          if (!isFormPost(request) || !isAppError(error)) throw error;
          return errorPage(
            reply,
            error,
            portalLanguage(header(request, 'accept-language')),
            `/privacy/${workspaceId}`,
          );
        }
      },
    );

    // Guessed, expired and other-workspace links all get the same 404 problem document (audited by the portal).
    app.get(
      '/privacy/:workspaceId/download/:token',
      { config: { access: 'public' }, schema: { hide: true, params: TokenParams } },
      async (request, reply) => {
        const { workspaceId, token } = request.params;
        const file = await portal.download(workspaceId, token, visitorOf(request));
        const filename = file.filename.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120) || 'result';
        return reply
          .code(200)
          .type(file.contentType)
          .header('content-disposition', `attachment; filename="${filename}"`)
          .header('cache-control', 'no-store')
          .send(file.body);
      },
    );
  };
}

/** The one-line error shown above the form (what was wrong is not echoed: it may be personal data). */
function renderPortalMessageText(language: PortalLanguage): string {
  return {
    en: 'Please check the form: something is missing or not valid.',
    fr: 'Vérifiez le formulaire : une information manque ou n’est pas valable.',
    de: 'Bitte prüfen Sie das Formular: eine Angabe fehlt oder ist ungültig.',
  }[language];
}
