import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { ProcessingContext } from '../kernel/gate/processing-context.ts';
import { purposeKeyPattern, type PurposeRegister } from '../kernel/purposes/purpose-register.ts';
import type { PurposeRecord } from '../kernel/purposes/purpose-types.ts';
import { requestContext } from './request-context.ts';

/** Request header naming the purpose of the processing; echoed in the response with the purpose applied. */
export const purposeHeader = 'Custodian-Purpose';

export interface PurposeHeaderDeps {
  readonly db: { readonly kysely: Kysely<Database> };
  readonly purposes: PurposeRegister;
}

/**
 * The purpose a request processes personal data for: the `Custodian-Purpose` header, else the token's default
 * purpose, else the role's. Sets the same header on the response. Throws 400 `PURPOSE_REQUIRED` when none applies
 * and 400 `PURPOSE_UNKNOWN` when the register does not hold it (whether it is active and granted is the gate's
 * question).
 *
 * @example
 * const purpose = await purposeOf(request, reply, deps); // 'crm'
 */
export async function purposeOf(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: PurposeHeaderDeps,
): Promise<PurposeRecord> {
  const { principal, workspaceId } = requestContext(request);
  const sent = request.headers[purposeHeader.toLowerCase()];
  if (Array.isArray(sent)) throw new AppError('BAD_REQUEST', { detail: `Send one ${purposeHeader} header` });
  const key = sent?.trim() || principal.defaultPurpose || principal.role.defaultPurpose;
  if (!key)
    throw new AppError('PURPOSE_REQUIRED', { detail: `Name the purpose in the ${purposeHeader} header` });
  // The value is echoed in the problem only when it has the shape of a key (never arbitrary client text).
  if (!purposeKeyPattern.test(key)) throw new AppError('PURPOSE_UNKNOWN');
  const purpose = await deps.purposes.find(deps.db.kysely, workspaceId, key);
  if (!purpose) throw new AppError('PURPOSE_UNKNOWN', { purpose: key });
  reply.header(purposeHeader, purpose.key);
  return purpose;
}

/**
 * The processing context of a request (`{ workspace, actor, purpose, role }`) for the gate.
 *
 * @example
 * const ctx = await processingContextOf(request, reply, deps);
 * await deps.gate.check(deps.db.kysely, ctx, { personIds: [id], operation: 'read', attributes });
 */
export async function processingContextOf(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: PurposeHeaderDeps,
): Promise<ProcessingContext> {
  const purpose = await purposeOf(request, reply, deps);
  const rc = requestContext(request);
  return {
    workspaceId: rc.workspaceId,
    actor: rc.actor,
    purpose: purpose.key,
    role: rc.principal.role,
    requestId: rc.requestId,
    ip: rc.ip,
  };
}
