import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { AppError } from '../errors.ts';

/**
 * Optimistic concurrency for every updatable resource: reads answer `ETag: "<version>"`, updates must send
 * `If-Match` with it. Missing: 428 `PRECONDITION_REQUIRED`; stale or malformed: 412 `PRECONDITION_FAILED`
 * (the use-case compares the version inside its transaction).
 *
 * @example
 * app.patch('/api/v1/deals/:id', { schema: { headers: IfMatchHeader, … } }, async (request, reply) => {
 *   const deal = await deps.deals.update(ctx, id, expectedVersion(request, 'deal'), request.body);
 *   return withEtag(reply, deal.version).send(deal);
 * });
 */
export const IfMatchHeader = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 40 })) });

/** The strong ETag of a version. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/** Sets the ETag header of a version and returns the reply for chaining. */
export function withEtag(reply: FastifyReply, version: number): FastifyReply {
  return reply.header('etag', etagOf(version));
}

/** The version named by `If-Match`; `resource` names the thing in the problem's detail (no values). */
export function expectedVersion(request: FastifyRequest, resource: string): number {
  const header = request.headers['if-match'];
  if (typeof header !== 'string' || header.trim() === '') {
    throw new AppError('PRECONDITION_REQUIRED', { detail: `Send If-Match with the ETag of the ${resource} you read` });
  }
  const m = /^(?:W\/)?"(\d{1,9})"$/.exec(header.trim());
  if (!m) throw new AppError('PRECONDITION_FAILED', { detail: `If-Match does not name a version of this ${resource}` });
  return Number(m[1]);
}
