import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '../../errors.ts';
import { suppressionOverrideReasons } from '../../kernel/people/people-service.ts';
import type { AppDeps } from '../app.ts';
import { processingContextOf } from '../purpose-header.ts';
import { requestContext } from '../request-context.ts';
import { sendIdempotent } from '../idempotency.ts';
import { IfMatchHeader, etagOf, expectedVersion } from '../optimistic-concurrency.ts';
import { CertificateSchema } from './erasure-routes.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

// Shapes only: values are checked, never echoed (problem documents name the field and the rule).
const name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const email = Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' });
const phone = Type.String({ minLength: 3, maxLength: 40, pattern: '^\\+?[0-9 ().\\-/]*[0-9][0-9 ().\\-/]*$' });
const nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const SuppressionOverride = Type.Object({ reason: literals(suppressionOverrideReasons) }, { additionalProperties: false });

const NewPerson = Type.Object(
  {
    firstName: Type.Optional(name),
    lastName: Type.Optional(name),
    email: Type.Optional(email),
    phone: Type.Optional(phone),
    suppressionOverride: Type.Optional(SuppressionOverride),
  },
  { additionalProperties: false },
);

const PersonPatch = Type.Object(
  {
    firstName: Type.Optional(nullable(name)),
    lastName: Type.Optional(nullable(name)),
    email: Type.Optional(nullable(email)),
    phone: Type.Optional(nullable(phone)),
    suppressionOverride: Type.Optional(SuppressionOverride),
  },
  { additionalProperties: false, minProperties: 1 },
);

const Person = Type.Object({
  id: Type.String(),
  pseudonym: Type.String(),
  firstName: Type.Union([Type.String(), Type.Null()]),
  lastName: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  version: Type.Integer(),
});

const PersonParams = Type.Object({ id: Type.String({ format: 'uuid', maxLength: 36 }) }, { additionalProperties: false });
const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 300, pattern: '^[A-Za-z0-9_-]+$' })),
  },
  { additionalProperties: false },
);
// Lookups normalise (trim, case, phone punctuation), so surrounding blanks are tolerated.
const lookupEmail = Type.String({ minLength: 3, maxLength: 254, pattern: '^\\s*[^\\s@]+@[^\\s@]+\\s*$' });
const Lookup = Type.Union([
  Type.Object({ email: lookupEmail }, { additionalProperties: false }),
  Type.Object({ phone }, { additionalProperties: false }),
]);
/**
 * People, the data subjects: create, read, change, list, exact lookup by email or phone (in the body: personal data
 * never goes in a URL) and erase (`DELETE` runs the erasure pipeline and answers with the certificate). Every call
 * runs the processing gate under the request's purpose, echoed in the `Custodian-Purpose` response header.
 */
export function peopleRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'people' | 'purposes'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['people'];

    /** Only someone who may both erase people and run privacy work may re-create a suppressed person. */
    const overrideOf = (request: FastifyRequest, override: { reason: (typeof suppressionOverrideReasons)[number] } | undefined) => {
      if (!override) return {};
      const permissions = requestContext(request).principal.role.permissions;
      if (!permissions.has('privacy:write') || !permissions.has('people:erase')) {
        throw new AppError('FORBIDDEN', { detail: 'Only a privacy officer may override the suppression list', permission: 'privacy:write' });
      }
      return { suppressionOverride: override.reason };
    };

    app.post(
      '/api/v1/people',
      {
        config: { access: 'people:write' },
        schema: { tags, summary: 'Create a person (values encrypted under their own key); accepts Idempotency-Key', body: NewPerson, response: { 201: Person } },
      },
      async (request, reply) => {
        const ctx = await processingContextOf(request, reply, deps);
        const { suppressionOverride, ...values } = request.body;
        const headersOf = (person: { id: string; version: number }) => ({ etag: etagOf(person.version), location: `/api/v1/people/${person.id}` });
        return sendIdempotent(deps.db.kysely, deps.clock, request, reply, {
          create: async () => {
            const person = await deps.people.create(ctx, values, overrideOf(request, suppressionOverride));
            return { status: 201, resourceId: person.id, body: person, headers: headersOf(person) };
          },
          replay: async (id) => {
            const person = await deps.people.get(ctx, id);
            return { body: person, headers: headersOf(person) };
          },
        });
      },
    );

    app.get(
      '/api/v1/people',
      {
        config: { access: 'people:read' },
        schema: {
          tags,
          summary: 'List people in creation order (cursor pagination). Exact lookup: POST /api/v1/people/lookup',
          querystring: ListQuery,
          response: { 200: Type.Object({ items: Type.Array(Person), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
        },
      },
      async (request, reply) => {
        const ctx = await processingContextOf(request, reply, deps);
        return deps.people.list(ctx, { limit: request.query.limit ?? 50, cursor: request.query.cursor });
      },
    );

    app.post(
      '/api/v1/people/lookup',
      {
        config: { access: 'people:read' },
        schema: {
          tags,
          summary: 'Find people by exact email or phone (through the blind index)',
          body: Lookup,
          response: { 200: Type.Object({ items: Type.Array(Person) }) },
        },
      },
      async (request, reply) => {
        const ctx = await processingContextOf(request, reply, deps);
        const by = 'email' in request.body ? { field: 'email' as const, value: request.body.email } : { field: 'phone' as const, value: request.body.phone };
        return { items: await deps.people.lookup(ctx, by) };
      },
    );

    app.get(
      '/api/v1/people/:id',
      {
        config: { access: 'people:read' },
        schema: { tags, summary: 'Read a person (410 once erased)', params: PersonParams, response: { 200: Person } },
      },
      async (request, reply) => {
        const ctx = await processingContextOf(request, reply, deps);
        const person = await deps.people.get(ctx, request.params.id);
        return reply.header('etag', etagOf(person.version)).send(person);
      },
    );

    app.patch(
      '/api/v1/people/:id',
      {
        config: { access: 'people:write' },
        schema: {
          tags,
          summary: 'Change values (null removes one); needs If-Match with the ETag read',
          params: PersonParams,
          headers: IfMatchHeader,
          body: PersonPatch,
          response: { 200: Person },
        },
      },
      async (request, reply) => {
        const version = expectedVersion(request, 'person');
        const ctx = await processingContextOf(request, reply, deps);
        const { suppressionOverride, ...patch } = request.body;
        const person = await deps.people.update(ctx, request.params.id, version, patch, overrideOf(request, suppressionOverride));
        return reply.header('etag', etagOf(person.version)).send(person);
      },
    );

    app.delete(
      '/api/v1/people/:id',
      {
        config: { access: 'people:erase' },
        schema: {
          tags,
          summary: 'Erase a person through the erasure pipeline; answers with the certificate of erasure',
          params: PersonParams,
          response: { 200: CertificateSchema },
        },
      },
      async (request, reply) => {
        const ctx = await processingContextOf(request, reply, deps);
        return deps.people.erase(ctx, request.params.id);
      },
    );
  };
}
