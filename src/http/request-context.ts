import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { Actor } from '../kernel/audit/audit-log.ts';
import type { Principal } from '../identity/principal.ts';

/** What a use-case needs to know about the request that called it. */
export interface RequestContext {
  readonly workspaceId: string;
  readonly actor: Actor;
  readonly principal: Principal;
  readonly requestId: string;
  readonly ip: string;
}

export function actorOf(principal: Principal | null): Actor {
  if (!principal) return { type: 'anonymous', id: null };
  return principal.via === 'token' ? { type: 'token', id: principal.credentialId } : { type: 'user', id: principal.userId };
}

/** The context of an authenticated request; throws 401 when there is no principal. */
export function requestContext(request: FastifyRequest): RequestContext {
  const principal = request.principal;
  if (!principal) throw new AppError('UNAUTHENTICATED');
  return {
    workspaceId: principal.workspaceId,
    actor: actorOf(principal),
    principal,
    requestId: request.id,
    ip: request.ip,
  };
}
