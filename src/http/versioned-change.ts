import type { FastifyReply, FastifyRequest } from 'fastify';
import { expectedVersion, withEtag } from './optimistic-concurrency.ts';
import { requestContext, type RequestContext } from './request-context.ts';

/** How one kind of resource takes an If-Match change. */
export interface VersionedResource<T extends { readonly version: number }> {
  /** Its name in the problem when If-Match is missing or malformed (`incident`, `request`). */
  readonly name: string;
  /** The response body of the changed resource. */
  readonly view: (value: T) => unknown;
  /**
   * Wraps the whole change, version check included: to answer 404 for an unknown id before 428 for a missing
   * If-Match, or to audit a refused attempt. Without it the change just runs.
   */
  readonly around?: (ctx: RequestContext, id: string, work: () => Promise<T>) => Promise<T>;
}

/**
 * The handler of an If-Match change of the resource at `…/:id`: takes the caller's context, the id and the version
 * named by If-Match (428 when missing, 412 when malformed), runs `change`, and answers the new state with its version
 * as ETag. Routes that change one versioned resource in several ways (incidents, requests) state only the change.
 *
 * @example
 * const incident: VersionedResource<Incident> = { name: 'incident', view };
 * app.post(`${url}/:id/close`, { schema }, async (request, reply) =>
 *   sendVersionedChange(request, reply, incident, (ctx, id, version) => incidents.close(db, ctx, id, version)),
 * );
 */
export async function sendVersionedChange<T extends { readonly version: number }>(
  request: FastifyRequest & { readonly params: { readonly id: string } },
  reply: FastifyReply,
  resource: VersionedResource<T>,
  change: (ctx: RequestContext, id: string, expectedVersion: number) => Promise<T>,
): Promise<FastifyReply> {
  const ctx = requestContext(request);
  const id = request.params.id;
  const work = () => change(ctx, id, expectedVersion(request, resource.name));
  const value = await (resource.around ? resource.around(ctx, id, work) : work());
  return withEtag(reply, value.version).send(resource.view(value));
}
