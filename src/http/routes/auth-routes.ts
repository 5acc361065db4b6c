import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { meOf } from '../../identity/account.ts';
import { passwordMaxLength } from '../../identity/password-policy.ts';
import { completePasswordReset, requestPasswordReset } from '../../identity/password-reset.ts';
import type { NewSession } from '../../identity/sessions.ts';
import { completeMfaSignIn, dummyPasswordHash, signIn, signOut, type SignInClient } from '../../identity/sign-in.ts';
import type { AppDeps } from '../app.ts';
import { sessionCookieFor } from '../session-cookie.ts';
import { Me } from './me-routes.ts';

const SignInAnswer = Type.Object({
  status: Type.Union([Type.Literal('signed-in'), Type.Literal('mfa-required')]),
  user: Type.Optional(Me),
  csrfToken: Type.Optional(Type.String()),
});

const SessionAnswer = Type.Object({
  authenticated: Type.Boolean(),
  user: Type.Optional(Me),
  csrfToken: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  mfaEnrolmentRequired: Type.Optional(Type.Boolean()),
});

const Email = Type.String({ minLength: 1, maxLength: 254 });

/**
 * Sign-in, the TOTP step, session probe, sign-out and password reset. All public: they find the caller from the
 * session cookie themselves. The cookie is `sessionCookieFor(config)`: `__Host-` prefixed, Secure, HttpOnly,
 * SameSite=Strict.
 */
export function authRoutes(deps: AppDeps): FastifyPluginAsync {
  const cookie = sessionCookieFor(deps.config);
  const client = (request: FastifyRequest): SignInClient => ({
    ip: request.ip,
    userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
    requestId: request.id,
    previousSecret: request.cookies[cookie.name],
  });
  const setSession = (reply: FastifyReply, session: NewSession) => reply.setCookie(cookie.name, session.secret, cookie.options);

  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['sign-in'];
    // Computed before the first request, so that the first unknown-account sign-in is not slower than the rest.
    await dummyPasswordHash();

    app.post(
      '/api/v1/auth/sign-in',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'Sign in with email and password',
          description:
            'Answers `signed-in` with the session cookie, or `mfa-required` with a pending-session cookie to complete at ' +
            '`POST /auth/mfa`. A wrong email and a wrong password get the same 401 `INVALID_CREDENTIALS`.',
          body: Type.Object({ email: Email, password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
          response: { 200: SignInAnswer },
        },
      },
      async (request, reply) => {
        const result = await signIn(deps, request.body, client(request));
        setSession(reply, result.session);
        if (result.status === 'mfa-required') return { status: 'mfa-required' as const };
        return { status: 'signed-in' as const, user: result.me, csrfToken: result.session.csrfToken };
      },
    );

    app.post(
      '/api/v1/auth/mfa',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'Complete a sign-in with a TOTP or recovery code',
          body: Type.Object({ code: Type.String({ minLength: 6, maxLength: 32 }) }, { additionalProperties: false }),
          response: { 200: SignInAnswer },
        },
      },
      async (request, reply) => {
        const result = await completeMfaSignIn(deps, { pendingSecret: request.cookies[cookie.name], code: request.body.code }, client(request));
        setSession(reply, result.session);
        return { status: 'signed-in' as const, user: result.me, csrfToken: result.session.csrfToken };
      },
    );

    app.get(
      '/api/v1/auth/session',
      { config: { access: 'public' }, schema: { tags, summary: 'Who is signed in, if anyone', response: { 200: SessionAnswer } } },
      async (request) => {
        const principal = request.principal;
        if (!principal) return { authenticated: false };
        return {
          authenticated: true,
          user: meOf(principal),
          csrfToken: principal.csrfToken,
          mfaEnrolmentRequired: principal.role.requireMfa && !principal.mfaEnabled,
        };
      },
    );

    app.post(
      '/api/v1/auth/sign-out',
      { config: { access: 'public' }, schema: { tags, summary: 'End the session', response: { 204: Type.Null() } } },
      async (request, reply) => {
        await signOut(deps, { secret: request.cookies[cookie.name] }, client(request));
        reply.clearCookie(cookie.name, cookie.options);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/v1/auth/password-reset',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'Email a password-reset link (202 whether or not the account exists)',
          body: Type.Object({ email: Email }, { additionalProperties: false }),
          response: { 202: Type.Null() },
        },
      },
      async (request, reply) => {
        await requestPasswordReset(deps, { email: request.body.email, ip: request.ip, requestId: request.id }, (error) =>
          request.log.warn({ code: (error as { code?: unknown }).code ?? 'unknown' }, 'password reset email failed'),
        );
        return reply.code(202).send(null);
      },
    );

    app.post(
      '/api/v1/auth/password-reset/complete',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'Choose a new password with the emailed single-use token',
          body: Type.Object(
            { token: Type.String({ minLength: 1, maxLength: 200 }), password: Type.String({ minLength: 1, maxLength: passwordMaxLength * 4 }) },
            { additionalProperties: false },
          ),
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        await completePasswordReset(deps, { ...request.body, ip: request.ip, requestId: request.id });
        return reply.code(204).send(null);
      },
    );
  };
}
