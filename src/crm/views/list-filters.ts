import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AppError } from '../../errors.ts';
import { customFieldKeyPattern } from '../custom-fields/custom-field-types.ts';

/** Entities that have list views. */
export const listEntities = ['person', 'organization', 'deal'] as const;
export type ListEntity = (typeof listEntities)[number];

const id = Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' });
const day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const word = Type.String({ minLength: 1, maxLength: 100 });
/** Exact match on a filterable custom field (person fields through the blind index). */
const CustomFilter = Type.Array(
  Type.Object({ key: Type.String({ pattern: customFieldKeyPattern }), value: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
  { maxItems: 10 },
);

/** Filters of each entity's list view (and of its export). */
export const listFilterSchemas = {
  person: Type.Object(
    {
      lifecycleStage: Type.Optional(Type.Union(['lead', 'prospect', 'customer', 'former'].map((s) => Type.Literal(s)))),
      ownerUserId: Type.Optional(id),
      tag: Type.Optional(word),
      organizationId: Type.Optional(id),
      createdFrom: Type.Optional(day),
      createdTo: Type.Optional(day),
      updatedFrom: Type.Optional(day),
      updatedTo: Type.Optional(day),
      custom: Type.Optional(CustomFilter),
    },
    { additionalProperties: false },
  ),
  organization: Type.Object(
    {
      ownerUserId: Type.Optional(id),
      industry: Type.Optional(word),
      sizeBand: Type.Optional(word),
      country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
      createdFrom: Type.Optional(day),
      createdTo: Type.Optional(day),
      custom: Type.Optional(CustomFilter),
    },
    { additionalProperties: false },
  ),
  deal: Type.Object(
    {
      pipelineId: Type.Optional(id),
      stageId: Type.Optional(id),
      ownerUserId: Type.Optional(id),
      organizationId: Type.Optional(id),
      status: Type.Optional(Type.Union(['open', 'won', 'lost'].map((s) => Type.Literal(s)))),
      closeFrom: Type.Optional(day),
      closeTo: Type.Optional(day),
      createdFrom: Type.Optional(day),
      createdTo: Type.Optional(day),
      custom: Type.Optional(CustomFilter),
    },
    { additionalProperties: false },
  ),
} as const satisfies Record<ListEntity, TSchema>;

export type PersonFilters = Static<(typeof listFilterSchemas)['person']>;
export type OrganizationFilters = Static<(typeof listFilterSchemas)['organization']>;
export type DealFilters = Static<(typeof listFilterSchemas)['deal']>;
export type ListFilters = PersonFilters | OrganizationFilters | DealFilters;

/**
 * Checks filters against the entity's schema; `VALIDATION_FAILED` names each wrong path (never echoes a value).
 *
 * @example
 * checkListFilters('deal', { status: 'won' }); // { status: 'won' }
 * checkListFilters('deal', { stage: 'x' });    // throws VALIDATION_FAILED at /filters/stage
 */
export function checkListFilters(entity: ListEntity, filters: unknown): ListFilters {
  const schema = listFilterSchemas[entity];
  if (Value.Check(schema, filters)) return filters;
  const errors = [...Value.Errors(schema, filters)].slice(0, 10).map((e) => ({ path: `/filters${e.path}`, message: e.message }));
  throw new AppError('VALIDATION_FAILED', { detail: `The filters are not valid for ${entity} lists`, errors });
}
