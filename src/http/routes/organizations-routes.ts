import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { organizationSizeBands } from '../../crm/organizations/organization-input.ts';
import { organizationSorts } from '../../crm/organizations/organization-service.ts';
import type { AppDeps } from '../app.ts';
import { sendIdempotent } from '../idempotency.ts';
import { IfMatchHeader, etagOf, expectedVersion, withEtag } from '../optimistic-concurrency.ts';
import { requestContext } from '../request-context.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const opt = <T extends TSchema>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));
const Uuid = Type.String({ format: 'uuid', maxLength: 36 });

const AddressInput = Type.Object(
  { street: opt(text(200)), city: opt(text(100)), postalCode: opt(text(20)), region: opt(text(100)), country: opt(Type.String({ minLength: 2, maxLength: 2 })) },
  { additionalProperties: false },
);
const fields = {
  domain: opt(text(253)),
  industry: opt(text(100)),
  sizeBand: opt(literals(organizationSizeBands)),
  address: Type.Optional(AddressInput),
  ownerUserId: Type.Optional(Type.Union([Uuid, Type.Null()])),
};
const name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const NewOrganization = Type.Object({ name, ...fields }, { additionalProperties: false });
const OrganizationPatch = Type.Object({ name: Type.Optional(name), ...fields }, { additionalProperties: false, minProperties: 1 });

const nullableString = Type.Union([Type.String(), Type.Null()]);
export const OrganizationSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  domain: nullableString,
  industry: nullableString,
  sizeBand: Type.Union([literals(organizationSizeBands), Type.Null()]),
  address: Type.Object({ street: nullableString, city: nullableString, postalCode: nullableString, region: nullableString, country: nullableString }),
  ownerUserId: nullableString,
  createdAt: Type.String(),
  updatedAt: Type.String(),
  version: Type.Integer(),
});

const Params = Type.Object({ id: Uuid }, { additionalProperties: false });
const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 300, pattern: '^[A-Za-z0-9_-]+$' })),
    sort: Type.Optional(literals(organizationSorts)),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    ownerUserId: Type.Optional(Uuid),
    industry: Type.Optional(text(100)),
    sizeBand: Type.Optional(literals(organizationSizeBands)),
    country: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$' })),
  },
  { additionalProperties: false },
);

/**
 * Organizations (business data, stored plain): create (Idempotency-Key), read, change (If-Match), list with filters,
 * sort and cursor, delete (refused with 409 while deals or people are linked). Their deals: `GET /api/v1/deals?organizationId=`.
 */
export function organizationsRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'organizations'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['organizations'];

    app.post(
      '/api/v1/organizations',
      { config: { access: 'crm:write' }, schema: { tags, summary: 'Create an organization; accepts Idempotency-Key', body: NewOrganization, response: { 201: OrganizationSchema } } },
      async (request, reply) => {
        const { workspaceId } = requestContext(request);
        const headersOf = (o: { id: string; version: number }) => ({ etag: etagOf(o.version), location: `/api/v1/organizations/${o.id}` });
        return sendIdempotent(deps.db.kysely, deps.clock, request, reply, {
          create: async () => {
            const o = await deps.organizations.create(workspaceId, request.body);
            return { status: 201, resourceId: o.id, body: o, headers: headersOf(o) };
          },
          replay: async (id) => {
            const o = await deps.organizations.getOrThrow(workspaceId, id);
            return { body: o, headers: headersOf(o) };
          },
        });
      },
    );

    app.get(
      '/api/v1/organizations',
      {
        config: { access: 'crm:read' },
        schema: {
          tags,
          summary: 'List organizations (filters, sort by name or creation, cursor pagination)',
          querystring: ListQuery,
          response: { 200: Type.Object({ items: Type.Array(OrganizationSchema), nextCursor: nullableString }) },
        },
      },
      async (request) => deps.organizations.list(requestContext(request).workspaceId, { ...request.query, limit: request.query.limit ?? 50 }),
    );

    app.get(
      '/api/v1/organizations/:id',
      { config: { access: 'crm:read' }, schema: { tags, summary: 'Read an organization', params: Params, response: { 200: OrganizationSchema } } },
      async (request, reply) => {
        const o = await deps.organizations.getOrThrow(requestContext(request).workspaceId, request.params.id);
        return withEtag(reply, o.version).send(o);
      },
    );

    app.patch(
      '/api/v1/organizations/:id',
      {
        config: { access: 'crm:write' },
        schema: { tags, summary: 'Change an organization (null clears a value); needs If-Match', params: Params, headers: IfMatchHeader, body: OrganizationPatch, response: { 200: OrganizationSchema } },
      },
      async (request, reply) => {
        const version = expectedVersion(request, 'organization');
        const o = await deps.organizations.update(requestContext(request).workspaceId, request.params.id, version, request.body);
        return withEtag(reply, o.version).send(o);
      },
    );

    app.delete(
      '/api/v1/organizations/:id',
      { config: { access: 'crm:write' }, schema: { tags, summary: 'Delete an organization (409 while deals or people are linked)', params: Params, response: { 204: Type.Null() } } },
      async (request, reply) => {
        await deps.organizations.remove(requestContext(request).workspaceId, request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
