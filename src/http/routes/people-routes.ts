import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '../../errors.ts';
import { suppressionOverrideReasons } from '../../kernel/people/people-service.ts';
import { peopleSorts } from '../../kernel/people/people-list-query.ts';
import { lifecycleStages, provenanceSources } from '../../kernel/people/person-fields.ts';
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
const SuppressionOverride = Type.Object({ reason: literals(suppressionOverrideReasons) }, { additionalProperties: false });

const label = Type.String({ maxLength: 40 });
const EmailPoint = Type.Object({ value: email, label: Type.Optional(Type.Union([label, Type.Null()])), primary: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
const PhonePoint = Type.Object({ value: phone, label: Type.Optional(Type.Union([label, Type.Null()])), primary: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
const addressPart = Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()]));
const Address = Type.Object(
  { street: addressPart, city: addressPart, postalCode: addressPart, region: addressPart, country: Type.Optional(Type.Union([Type.String({ minLength: 2, maxLength: 2 }), Type.Null()])) },
  { additionalProperties: false },
);
const id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });
const instant = Type.String({ format: 'date-time', maxLength: 40 });
const ProvenanceIn = Type.Object(
  {
    source: literals(provenanceSources),
    sourceDetail: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    obtainedAt: Type.Optional(instant),
    importId: Type.Optional(Type.Union([id, Type.Null()])),
  },
  { additionalProperties: false },
);
const FieldProvenanceIn = Type.Object(
  {
    firstName: Type.Optional(ProvenanceIn),
    lastName: Type.Optional(ProvenanceIn),
    emails: Type.Optional(ProvenanceIn),
    phones: Type.Optional(ProvenanceIn),
    jobTitle: Type.Optional(ProvenanceIn),
    address: Type.Optional(ProvenanceIn),
    notes: Type.Optional(ProvenanceIn),
  },
  { additionalProperties: false },
);
const tag = Type.String({ minLength: 1, maxLength: 50 });
const stage = literals(lifecycleStages);
const jobTitle = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const notes = Type.String({ minLength: 1, maxLength: 10_000, pattern: '\\S' });
const emails = Type.Array(EmailPoint, { maxItems: 20 });
const phones = Type.Array(PhonePoint, { maxItems: 20 });
const tagList = Type.Array(tag, { maxItems: 50 });
const orNull = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** On a create every field is optional (at least one personal value is needed). */
const NewPerson = Type.Object(
  {
    firstName: Type.Optional(name),
    lastName: Type.Optional(name),
    email: Type.Optional(email),
    phone: Type.Optional(phone),
    emails: Type.Optional(emails),
    phones: Type.Optional(phones),
    jobTitle: Type.Optional(jobTitle),
    address: Type.Optional(Address),
    notes: Type.Optional(notes),
    organizationId: Type.Optional(id),
    ownerUserId: Type.Optional(id),
    lifecycleStage: Type.Optional(stage),
    tags: Type.Optional(tagList),
    provenance: Type.Optional(ProvenanceIn),
    fieldProvenance: Type.Optional(FieldProvenanceIn),
    suppressionOverride: Type.Optional(SuppressionOverride),
  },
  { additionalProperties: false },
);

/** On a patch, null removes a value; `reason` is kept (encrypted) in the person's history. */
const PersonPatch = Type.Object(
  {
    firstName: Type.Optional(orNull(name)),
    lastName: Type.Optional(orNull(name)),
    email: Type.Optional(orNull(email)),
    phone: Type.Optional(orNull(phone)),
    emails: Type.Optional(orNull(emails)),
    phones: Type.Optional(orNull(phones)),
    jobTitle: Type.Optional(orNull(jobTitle)),
    address: Type.Optional(orNull(Address)),
    notes: Type.Optional(orNull(notes)),
    organizationId: Type.Optional(orNull(id)),
    ownerUserId: Type.Optional(orNull(id)),
    lifecycleStage: Type.Optional(orNull(stage)),
    tags: Type.Optional(orNull(tagList)),
    provenance: Type.Optional(ProvenanceIn),
    fieldProvenance: Type.Optional(FieldProvenanceIn),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    suppressionOverride: Type.Optional(SuppressionOverride),
  },
  { additionalProperties: false, minProperties: 1 },
);

const str = Type.Union([Type.String(), Type.Null()]);
const ContactPointOut = Type.Object({ value: Type.String(), label: str, primary: Type.Boolean() });
const ProvenanceOut = Type.Object({ source: Type.String(), sourceDetail: str, obtainedAt: str, importId: str });
const Person = Type.Object({
  id: Type.String(),
  pseudonym: Type.String(),
  firstName: str,
  lastName: str,
  email: str,
  phone: str,
  emails: Type.Array(ContactPointOut),
  phones: Type.Array(ContactPointOut),
  jobTitle: str,
  address: Type.Union([Type.Object({ street: Type.Optional(str), city: Type.Optional(str), postalCode: Type.Optional(str), region: Type.Optional(str), country: Type.Optional(str) }), Type.Null()]),
  notes: str,
  organizationId: str,
  ownerUserId: str,
  lifecycleStage: Type.Union([stage, Type.Null()]),
  tags: Type.Array(Type.String()),
  provenance: ProvenanceOut,
  fieldProvenance: Type.Array(Type.Intersect([Type.Object({ field: Type.String() }), ProvenanceOut])),
  withheld: Type.Array(Type.String(), { description: 'Attributes the purpose or the role does not cover (shown as null)' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  version: Type.Integer(),
});

const PersonParams = Type.Object({ id: Type.String({ format: 'uuid', maxLength: 36 }) }, { additionalProperties: false });
/** Filters and sort of a list: business data only (names and values are encrypted and never go in a URL). */
const listFilters = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 400, pattern: '^[A-Za-z0-9_-]+$' })),
  sort: Type.Optional(literals(peopleSorts)),
  order: Type.Optional(literals(['asc', 'desc'] as const)),
  lifecycleStage: Type.Optional(stage),
  ownerUserId: Type.Optional(id),
  organizationId: Type.Optional(id),
  tag: Type.Optional(tag),
  createdFrom: Type.Optional(instant),
  createdTo: Type.Optional(instant),
  updatedFrom: Type.Optional(instant),
  updatedTo: Type.Optional(instant),
};
const ListQuery = Type.Object(listFilters, { additionalProperties: false });
const CustomFieldFilter = Type.Object(
  { key: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z][a-z0-9_]*$' }), value: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
const QueryBody = Type.Object({ ...listFilters, customFields: Type.Optional(Type.Array(CustomFieldFilter, { maxItems: 5 })) }, { additionalProperties: false });
const SearchBody = Type.Object(
  { query: Type.String({ minLength: 1, maxLength: 200, pattern: '[\\p{L}\\p{N}]' }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })) },
  { additionalProperties: false },
);
const Page = Type.Object({ items: Type.Array(Person), nextCursor: Type.Union([Type.String(), Type.Null()]) });
const HistoryQuery = Type.Object(
  { before: Type.Optional(instant), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })) },
  { additionalProperties: false },
);
const Rectification = Type.Object({
  id: Type.String(),
  at: Type.String(),
  version: Type.Integer(),
  fields: Type.Array(Type.String()),
  oldValues: Type.Record(Type.String(), Type.Unknown()),
  reason: str,
  actor: Type.Object({ type: Type.String(), id: str }),
});
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
const CreateQuery = Type.Object(
  {
    onDuplicate: Type.Optional(
      Type.Union([Type.Literal('allow'), Type.Literal('refuse')], {
        description: '`refuse`: answer 409 DUPLICATE_SUSPECTED listing the people with the same email or phone, or the same name in the same organization, instead of creating',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The primary (else first) value of a contact list, for the duplicate check. */
function primaryOf(single: string | undefined, list: readonly { value: string; primary?: boolean }[] | undefined): string | undefined {
  return single ?? list?.find((v) => v.primary)?.value ?? list?.[0]?.value;
}

export function peopleRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'people' | 'purposes' | 'duplicates'>): FastifyPluginAsync {
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
        schema: { tags, summary: 'Create a person (values encrypted under their own key); accepts Idempotency-Key; `onDuplicate=refuse` refuses likely duplicates', querystring: CreateQuery, body: NewPerson, response: { 201: Person } },
      },
      async (request, reply) => {
        const ctx = await processingContextOf(request, reply, deps);
        const { suppressionOverride, ...values } = request.body;
        const headersOf = (person: { id: string; version: number }) => ({ etag: etagOf(person.version), location: `/api/v1/people/${person.id}` });
        return sendIdempotent(deps.db.kysely, deps.clock, request, reply, {
          create: async () => {
            if (request.query.onDuplicate === 'refuse') {
              const matches = await deps.duplicates.check(ctx, {
                email: primaryOf(values.email, values.emails),
                phone: primaryOf(values.phone, values.phones),
                firstName: values.firstName,
                lastName: values.lastName,
                organizationId: values.organizationId,
              });
              if (matches.length > 0) {
                throw new AppError('DUPLICATE_SUSPECTED', { duplicates: matches.map((m) => ({ personId: m.personId, reasons: m.reasons })) });
              }
            }
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

    /** Dates in filters are compared as stored: ISO-8601 UTC. */
    const utc = (value: string | undefined) => (value === undefined ? undefined : new Date(value).toISOString());
    const listOf = (q: Static<typeof QueryBody>) => ({
      ...q,
      limit: q.limit ?? 50,
      createdFrom: utc(q.createdFrom),
      createdTo: utc(q.createdTo),
      updatedFrom: utc(q.updatedFrom),
      updatedTo: utc(q.updatedTo),
    });

    app.get(
      '/api/v1/people',
      {
        config: { access: 'people:read' },
        schema: {
          tags,
          summary: 'List people with filters (stage, owner, tag, organization, dates), sorted by creation or update, cursor pagination',
          querystring: ListQuery,
          response: { 200: Page },
        },
      },
      async (request, reply) => {
        const ctx = await processingContextOf(request, reply, deps);
        return deps.people.list(ctx, listOf(request.query));
      },
    );

    app.post(
      '/api/v1/people/query',
      {
        config: { access: 'people:read' },
        schema: {
          tags,
          summary: 'List people like GET /api/v1/people, with exact custom-field filters in the body (values never go in a URL)',
          body: QueryBody,
          response: { 200: Page },
        },
      },
      async (request, reply) => {
        const ctx = await processingContextOf(request, reply, deps);
        return deps.people.list(ctx, listOf(request.body));
      },
    );

    app.post(
      '/api/v1/people/search',
      {
        config: { access: 'people:read' },
        schema: {
          tags,
          summary: 'Search people by name (prefixes of 3 letters or more, every word must match); the query is in the body',
          body: SearchBody,
          response: { 200: Type.Object({ items: Type.Array(Person) }) },
        },
      },
      async (request, reply) => {
        const ctx = await processingContextOf(request, reply, deps);
        return { items: await deps.people.search(ctx, { text: request.body.query, limit: request.body.limit ?? 20 }) };
      },
    );

    app.get(
      '/api/v1/people/:id/rectifications',
      {
        config: { access: 'people:read' },
        schema: {
          tags,
          summary: 'History of the changes to a person: who, when, why, and the old values (newest first)',
          params: PersonParams,
          querystring: HistoryQuery,
          response: { 200: Type.Object({ items: Type.Array(Rectification) }) },
        },
      },
      async (request, reply) => {
        const ctx = await processingContextOf(request, reply, deps);
        return { items: await deps.people.rectifications(ctx, request.params.id, { before: utc(request.query.before), limit: request.query.limit ?? 50 }) };
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
          summary: 'Change values (null removes one; the old ones are kept, encrypted, in the history with the reason); needs If-Match',
          params: PersonParams,
          headers: IfMatchHeader,
          body: PersonPatch,
          response: { 200: Person },
        },
      },
      async (request, reply) => {
        const version = expectedVersion(request, 'person');
        const ctx = await processingContextOf(request, reply, deps);
        const { suppressionOverride, reason, ...patch } = request.body;
        const person = await deps.people.update(ctx, request.params.id, version, patch, { ...overrideOf(request, suppressionOverride), reason });
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
