import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { categoryKeyPattern } from '../../kernel/catalogue/catalogue-types.ts';
import { art9Conditions, lawfulBases, type PurposeRecord } from '../../kernel/purposes/purpose-types.ts';
import { purposeKeyPattern } from '../../kernel/purposes/purpose-register.ts';
import type { AppDeps } from '../app.ts';
import { requestContext } from '../request-context.ts';

const purposeKey = Type.String({ pattern: purposeKeyPattern.source, maxLength: 64 });
const LawfulBasis = Type.Union(
  lawfulBases.map((b) => Type.Literal(b)),
  { description: 'Art. 6(1)(a)–(f)' },
);
const Art9Condition = Type.Union(
  art9Conditions.map((c) => Type.Literal(c)),
  { description: 'Art. 9(2)(a)–(j)' },
);
const CategoryList = Type.Array(Type.String({ pattern: categoryKeyPattern, maxLength: 128 }), {
  maxItems: 100,
  uniqueItems: true,
});

const Purpose = Type.Object({
  key: Type.String(),
  version: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  lawfulBasis: LawfulBasis,
  art9Condition: Type.Union([Art9Condition, Type.Null()]),
  legitimateInterestAssessment: Type.Union([Type.String(), Type.Null()]),
  requiredCategories: Type.Array(Type.String()),
  optionalCategories: Type.Array(Type.String()),
  retention: Type.String(),
  recipients: Type.Array(Type.String()),
  active: Type.Boolean(),
  directMarketing: Type.Boolean(),
  legalClaims: Type.Boolean(),
  /** The built-in purpose answering data subject requests (ADR 0034): seeded, cannot be deactivated. */
  answersRequests: Type.Boolean(),
  updatedAt: Type.String(),
});

const editable = {
  name: Type.String({ minLength: 1, maxLength: 120 }),
  description: Type.String({ maxLength: 2000 }),
  lawfulBasis: LawfulBasis,
  art9Condition: Type.Union([Art9Condition, Type.Null()]),
  legitimateInterestAssessment: Type.Union([Type.String({ maxLength: 10_000 }), Type.Null()]),
  requiredCategories: CategoryList,
  optionalCategories: CategoryList,
  retention: Type.Union([Type.Integer({ minimum: 1, maximum: 36_500 }), Type.String({ maxLength: 32 })], {
    description: 'ISO 8601 duration (P2Y) or a number of days',
  }),
  recipients: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50 }),
  active: Type.Boolean(),
  directMarketing: Type.Boolean(),
  legalClaims: Type.Boolean(),
};

const NewPurpose = Type.Object(
  {
    key: purposeKey,
    name: editable.name,
    lawfulBasis: editable.lawfulBasis,
    retention: editable.retention,
    description: Type.Optional(editable.description),
    art9Condition: Type.Optional(editable.art9Condition),
    legitimateInterestAssessment: Type.Optional(editable.legitimateInterestAssessment),
    requiredCategories: Type.Optional(editable.requiredCategories),
    optionalCategories: Type.Optional(editable.optionalCategories),
    recipients: Type.Optional(editable.recipients),
    active: Type.Optional(editable.active),
    directMarketing: Type.Optional(editable.directMarketing),
    legalClaims: Type.Optional(editable.legalClaims),
  },
  { additionalProperties: false },
);

const PurposePatch = Type.Partial(Type.Object(editable), { additionalProperties: false, minProperties: 1 });

const Version = Type.Object({
  version: Type.Integer(),
  change: Type.String(),
  changedAt: Type.String(),
  actor: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
  purpose: Purpose,
});

const KeyParams = Type.Object({ key: purposeKey });

/** The response shape (mutable copies of the record's frozen arrays). */
function view(p: PurposeRecord): Static<typeof Purpose> {
  return {
    ...p,
    requiredCategories: [...p.requiredCategories],
    optionalCategories: [...p.optionalCategories],
    recipients: [...p.recipients],
  };
}

/**
 * The purpose register: list, read, create, change (each change a new version), activate, deactivate, history.
 */
export function purposesRoutes(deps: Pick<AppDeps, 'db' | 'purposes'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['purposes'];
    const db = deps.db.kysely;

    app.get(
      '/api/v1/purposes',
      {
        config: { access: 'purposes:read' },
        schema: {
          tags,
          summary: 'Purposes of processing (current versions)',
          response: { 200: Type.Object({ items: Type.Array(Purpose) }) },
        },
      },
      async (request) => ({
        items: (await deps.purposes.list(db, requestContext(request).workspaceId)).map(view),
      }),
    );

    app.get(
      '/api/v1/purposes/:key',
      {
        config: { access: 'purposes:read' },
        schema: { tags, summary: 'One purpose', params: KeyParams, response: { 200: Purpose } },
      },
      async (request) =>
        view(await deps.purposes.getOrThrow(db, requestContext(request).workspaceId, request.params.key)),
    );

    app.get(
      '/api/v1/purposes/:key/versions',
      {
        config: { access: 'purposes:read' },
        schema: {
          tags,
          summary: 'Every version of a purpose, newest first',
          params: KeyParams,
          response: { 200: Type.Object({ items: Type.Array(Version) }) },
        },
      },
      async (request) => ({
        items: (
          await deps.purposes.versions(db, requestContext(request).workspaceId, request.params.key)
        ).map((v) => ({
          ...v,
          purpose: view(v.purpose),
        })),
      }),
    );

    app.post(
      '/api/v1/purposes',
      {
        config: { access: 'purposes:write' },
        schema: {
          tags,
          summary: 'Register a purpose (inactive unless `active` is true)',
          body: NewPurpose,
          response: { 201: Purpose },
        },
      },
      async (request, reply) => {
        const body: Static<typeof NewPurpose> = request.body;
        return reply.code(201).send(view(await deps.purposes.create(db, requestContext(request), body)));
      },
    );

    app.patch(
      '/api/v1/purposes/:key',
      {
        config: { access: 'purposes:write' },
        schema: {
          tags,
          summary: 'Change a purpose (makes a new version)',
          params: KeyParams,
          body: PurposePatch,
          response: { 200: Purpose },
        },
      },
      async (request) =>
        view(await deps.purposes.update(db, requestContext(request), request.params.key, request.body)),
    );

    for (const [action, active] of [
      ['activate', true],
      ['deactivate', false],
    ] as const) {
      app.post(
        `/api/v1/purposes/:key/${action}`,
        {
          config: { access: 'purposes:write' },
          schema: {
            tags,
            summary: `${action === 'activate' ? 'Activate' : 'Deactivate'} a purpose`,
            params: KeyParams,
            response: { 200: Purpose },
          },
        },
        async (request) =>
          view(await deps.purposes.setActive(db, requestContext(request), request.params.key, active)),
      );
    }
  };
}
