import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { categoryKeyPattern, sourceTypes } from '../../kernel/catalogue/catalogue-types.ts';
import { purposeKeyPattern } from '../../kernel/purposes/purpose-register.ts';
import { customFieldEntities, customFieldKeyPattern, customFieldTypes } from '../../crm/custom-fields/custom-field-types.ts';
import type { AppDeps } from '../app.ts';
import { sendIdempotent } from '../idempotency.ts';
import { IfMatchHeader, expectedVersion, withEtag } from '../optimistic-concurrency.ts';
import { processingContextOf } from '../purpose-header.ts';
import { requestContext } from '../request-context.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

const Entity = literals(customFieldEntities);
const FieldType = literals(customFieldTypes);
const Options = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 200 });
const Label = Type.String({ minLength: 1, maxLength: 120, pattern: '\\S' });

const Classification = Type.Object(
  {
    category: Type.String({ pattern: categoryKeyPattern, maxLength: 128, description: 'Data category key from the catalogue' }),
    special: Type.Boolean({ description: 'Art. 9 special category: must match the category' }),
    source: literals(sourceTypes),
    retention: Type.Union([Type.Integer({ minimum: 1, maximum: 36_500 }), Type.String({ maxLength: 32 })], { description: 'ISO 8601 duration (P2Y) or a number of days' }),
    purposes: Type.Array(Type.String({ pattern: purposeKeyPattern.source, maxLength: 64 }), { minItems: 1, maxItems: 20, uniqueItems: true, description: 'Purposes the field serves; each must cover the category' }),
  },
  { additionalProperties: false },
);

const NewField = Type.Object(
  {
    entity: Entity,
    key: Type.String({ pattern: customFieldKeyPattern, maxLength: 40 }),
    label: Label,
    type: FieldType,
    options: Type.Optional(Options),
    required: Type.Optional(Type.Boolean()),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    filterable: Type.Optional(Type.Boolean({ description: 'Exact filtering (person fields: a blind index is kept)' })),
    classification: Type.Optional(Classification),
  },
  { additionalProperties: false },
);

const FieldPatch = Type.Object(
  {
    label: Type.Optional(Label),
    options: Type.Optional(Options),
    required: Type.Optional(Type.Boolean()),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    archived: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

const Field = Type.Object({
  id: Type.String(),
  entity: Entity,
  key: Type.String(),
  label: Type.String(),
  type: FieldType,
  options: Type.Array(Type.String()),
  required: Type.Boolean(),
  position: Type.Integer(),
  archived: Type.Boolean(),
  filterable: Type.Boolean(),
  classification: Type.Union([
    Type.Object({ category: Type.String(), special: Type.Boolean(), source: Type.String(), retention: Type.String(), purposes: Type.Array(Type.String()) }),
    Type.Null(),
  ]),
  version: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const Value = Type.Union([Type.Array(Type.String()), Type.Boolean(), Type.Number(), Type.String()]);
// Values are checked by the field's type in the use-case (the schema layer would coerce 12 into "12").
const AnyValue = Type.Unknown({ description: 'text, number, boolean, ISO date, option, list of options, or null to remove' });
const ValuesBody = Type.Object(
  { values: Type.Record(Type.String({ pattern: customFieldKeyPattern }), AnyValue, { maxProperties: 200 }) },
  { additionalProperties: false },
);
const ValueSet = Type.Object({
  entity: Entity,
  recordId: Type.String(),
  version: Type.Integer(),
  values: Type.Record(Type.String(), Value),
});

const IdParams = Type.Object({ id: Type.String({ format: 'uuid', maxLength: 36 }) }, { additionalProperties: false });
const ListQuery = Type.Object({ entity: Type.Optional(Entity) }, { additionalProperties: false });

/**
 * Custom fields: definitions (`crm:configure` to change them; a person field is classified and declared in the
 * catalogue on creation) and their values on people (gated, encrypted), organizations and deals (plain).
 */
export function customFieldsRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'customFields' | 'purposes'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['custom fields'];
    const { definitions, values } = deps.customFields;

    app.get(
      '/api/v1/custom-fields',
      { config: { access: 'crm:read' }, schema: { tags, summary: 'List custom field definitions, by entity', querystring: ListQuery, response: { 200: Type.Object({ items: Type.Array(Field) }) } } },
      async (request) => ({ items: await definitions.list(deps.db.kysely, requestContext(request).workspaceId, request.query.entity) }),
    );

    app.post(
      '/api/v1/custom-fields',
      {
        config: { access: 'crm:configure' },
        schema: {
          tags,
          summary: 'Define a custom field; a person field needs its classification and is declared in the catalogue (accepts Idempotency-Key)',
          body: NewField,
          response: { 201: Field },
        },
      },
      async (request, reply) => {
        const rc = requestContext(request);
        const headersOf = (f: { id: string; version: number }) => ({ etag: `"${f.version}"`, location: `/api/v1/custom-fields/${f.id}` });
        return sendIdempotent(deps.db.kysely, deps.clock, request, reply, {
          create: async () => {
            const field = await definitions.create(rc, request.body);
            return { status: 201, resourceId: field.id, body: field, headers: headersOf(field) };
          },
          replay: async (id) => {
            const field = await definitions.getOrThrow(deps.db.kysely, rc.workspaceId, id);
            return { body: field, headers: headersOf(field) };
          },
        });
      },
    );

    app.get(
      '/api/v1/custom-fields/:id',
      { config: { access: 'crm:read' }, schema: { tags, summary: 'Read a custom field definition', params: IdParams, response: { 200: Field } } },
      async (request, reply) => {
        const field = await definitions.getOrThrow(deps.db.kysely, requestContext(request).workspaceId, request.params.id);
        return withEtag(reply, field.version).send(field);
      },
    );

    app.patch(
      '/api/v1/custom-fields/:id',
      {
        config: { access: 'crm:configure' },
        schema: { tags, summary: 'Change label, options, required, order or archive a field (classification is fixed); needs If-Match', params: IdParams, headers: IfMatchHeader, body: FieldPatch, response: { 200: Field } },
      },
      async (request, reply) => {
        const version = expectedVersion(request, 'custom field');
        const field = await definitions.update(requestContext(request), request.params.id, version, request.body);
        return withEtag(reply, field.version).send(field);
      },
    );

    app.delete(
      '/api/v1/custom-fields/:id',
      {
        config: { access: 'crm:configure' },
        schema: { tags, summary: 'Delete a field: refused while it holds values unless archived first (then its values go too)', params: IdParams, response: { 200: Type.Object({ valuesRemoved: Type.Integer() }) } },
      },
      async (request) => definitions.remove(requestContext(request), request.params.id),
    );

    app.get(
      '/api/v1/people/:id/custom-fields',
      { config: { access: 'people:read' }, schema: { tags, summary: "A person's custom values for the fields serving the request's purpose (gated)", params: IdParams, response: { 200: ValueSet } } },
      async (request, reply) => {
        const ctx = await processingContextOf(request, reply, deps);
        const set = await values.getForPerson(ctx, request.params.id);
        return withEtag(reply, set.version).send(set);
      },
    );

    app.put(
      '/api/v1/people/:id/custom-fields',
      {
        config: { access: 'people:write' },
        schema: { tags, summary: "Set or remove (null) a person's custom values (encrypted, gated); needs If-Match (\"0\" before the first)", params: IdParams, headers: IfMatchHeader, body: ValuesBody, response: { 200: ValueSet } },
      },
      async (request, reply) => {
        const version = expectedVersion(request, 'custom values');
        const ctx = await processingContextOf(request, reply, deps);
        const set = await values.putForPerson(ctx, request.params.id, version, request.body.values);
        return withEtag(reply, set.version).send(set);
      },
    );

    for (const [entity, path] of [['organization', 'organizations'], ['deal', 'deals']] as const) {
      app.get(
        `/api/v1/${path}/:id/custom-fields`,
        { config: { access: 'crm:read' }, schema: { tags, summary: `An ${entity}'s custom values`, params: IdParams, response: { 200: ValueSet } } },
        async (request, reply) => {
          const set = await values.getForRecord(requestContext(request), entity, request.params.id);
          return withEtag(reply, set.version).send(set);
        },
      );
      app.put(
        `/api/v1/${path}/:id/custom-fields`,
        {
          config: { access: 'crm:write' },
          schema: { tags, summary: `Set or remove (null) an ${entity}'s custom values; needs If-Match ("0" before the first)`, params: IdParams, headers: IfMatchHeader, body: ValuesBody, response: { 200: ValueSet } },
        },
        async (request, reply) => {
          const version = expectedVersion(request, 'custom values');
          const set = await values.putForRecord(requestContext(request), entity, request.params.id, version, request.body.values);
          return withEtag(reply, set.version).send(set);
        },
      );
    }
  };
}
