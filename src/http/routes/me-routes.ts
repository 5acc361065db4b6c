import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { changeOwnPassword, meOf, revokeOwnSession } from '../../identity/account.ts';
import type { ActingContext } from '../../identity/identity-deps.ts';
import type { Principal } from '../../identity/principal.ts';
import { confirmMfa, disableMfa, enrolMfa } from '../../identity/mfa.ts';
import { passwordMaxLength } from '../../identity/password-policy.ts';
import { listUserSessions } from '../../identity/sessions.ts';
import type { AppDeps } from '../app.ts';
import { requestContext } from '../request-context.ts';

export const RoleRef = Type.Object({ id: Type.String(), key: Type.String(), name: Type.String() });

/** The signed-in user, as `GET /users/me` and the sign-in answers return it. */
export const Me = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: RoleRef,
    permissions: Type.Array(Type.String()),
    mfaEnabled: Type.Boolean(),
    mfaRequired: Type.Boolean(),
    createdAt: Type.String(),
    lastSignInAt: Type.Union([Type.String(), Type.Null()]),
  },
);

/** Route params naming one resource by id. */
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** The acting context of an authenticated request: who, where, and the role nothing may be granted beyond. */
export function actingFrom(
  request: FastifyRequest,
): ActingContext & { userId: string; sessionId: string | null; principal: Principal } {
  const ctx = requestContext(request);
  return {
    ...ctx,
    grant: ctx.principal.role,
    userId: ctx.principal.userId,
    sessionId: ctx.principal.via === 'session' ? ctx.principal.credentialId : null,
  };
}

const Code = Type.String({ minLength: 6, maxLength: 32, description: '6-digit TOTP code, or a recovery code where allowed' });
const Session = Type.Object({
  id: Type.String(),
  createdAt: Type.String(),
  lastSeenAt: Type.String(),
  expiresAt: Type.String(),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  current: Type.Boolean(),
});

/** My account: profile, password, MFA, sessions. */
export function meRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['my account'];

    app.get(
      '/api/v1/users/me',
      { config: { access: 'authenticated' }, schema: { tags, summary: 'The signed-in user', response: { 200: Me } } },
      async (request) => meOf(requestContext(request).principal),
    );

    app.post(
      '/api/v1/users/me/password',
      {
        config: { access: 'authenticated' },
        schema: {
          tags,
          summary: 'Change my password (ends my other sessions)',
          body: Type.Object(
            {
              currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
              newPassword: Type.String({ minLength: 1, maxLength: passwordMaxLength * 4 }),
            },
            { additionalProperties: false },
          ),
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        await changeOwnPassword(deps, actingFrom(request), request.body);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/v1/users/me/mfa/enrol',
      {
        config: { access: 'authenticated' },
        schema: {
          tags,
          summary: 'Start TOTP enrolment (pending until confirmed)',
          response: { 200: Type.Object({ secret: Type.String(), otpauthUrl: Type.String(), qrSvg: Type.String() }) },
        },
      },
      async (request) => enrolMfa(deps, actingFrom(request)),
    );

    app.post(
      '/api/v1/users/me/mfa/confirm',
      {
        config: { access: 'authenticated' },
        schema: {
          tags,
          summary: 'Confirm TOTP enrolment; returns 10 recovery codes, shown once',
          body: Type.Object({ code: Code }, { additionalProperties: false }),
          response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }) },
        },
      },
      async (request) => confirmMfa(deps, actingFrom(request), request.body.code),
    );

    app.post(
      '/api/v1/users/me/mfa/disable',
      {
        config: { access: 'authenticated' },
        schema: {
          tags,
          summary: 'Turn MFA off (refused when the role requires it)',
          body: Type.Object({ password: Type.String({ minLength: 1, maxLength: 1024 }), code: Code }, { additionalProperties: false }),
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        await disableMfa(deps, actingFrom(request), request.body);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/v1/users/me/sessions',
      {
        config: { access: 'authenticated' },
        schema: { tags, summary: 'My live sessions', response: { 200: Type.Object({ items: Type.Array(Session) }) } },
      },
      async (request) => {
        const ctx = actingFrom(request);
        const items = await listUserSessions(deps.db.kysely, deps.clock, {
          workspaceId: ctx.workspaceId,
          userId: ctx.userId,
          currentId: ctx.sessionId,
          idleMs: deps.config.sessionIdleMinutes * 60_000,
        });
        return { items };
      },
    );

    app.delete(
      '/api/v1/users/me/sessions/:id',
      {
        config: { access: 'authenticated' },
        schema: { tags, summary: 'End one of my sessions', params: IdParams, response: { 204: Type.Null() } },
      },
      async (request, reply) => {
        await revokeOwnSession(deps, actingFrom(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
