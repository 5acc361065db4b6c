import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.ts';
import { sendIdempotent } from '../idempotency.ts';
import { etagOf, expectedVersion, IfMatchHeader, withEtag } from '../optimistic-concurrency.ts';
import { requestContext } from '../request-context.ts';
import { dpiaHtml } from '../../governance/dpia/dpia-export.ts';
import type { DpiaDraft } from '../../governance/dpia/dpia-store.ts';
import { dpiaRiskKeys, type Dpia } from '../../governance/dpia/dpia-types.ts';
import { highRiskCriterionKeys } from '../../governance/dpia/high-risk-criteria.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 10, description: 'Calendar date YYYY-MM-DD' });
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Level = Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3), Type.Literal(4)]);
const Lines = Type.Array(Type.String({ minLength: 1, maxLength: 1000 }), { maxItems: 50 });
const LongText = Type.String({ maxLength: 20_000 });

const riskFields = {
  impacts: Lines,
  threats: Lines,
  sources: Lines,
  existingMeasures: Lines,
  plannedMeasures: Lines,
  severity: Type.Union([Level, Type.Null()]),
  likelihood: Type.Union([Level, Type.Null()]),
};
const RiskBody = Type.Partial(Type.Object(riskFields, { additionalProperties: false }));
const Risk = Type.Object(riskFields);
const Action = Type.Object(
  {
    measure: Type.String({ minLength: 1, maxLength: 1000 }),
    ownerUserId: Type.String({ format: 'uuid' }),
    dueOn: DateString,
    status: literals(['planned', 'in_progress', 'done'] as const),
  },
  { additionalProperties: false },
);
const contextFields = {
  description: LongText,
  purposeKeys: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50, uniqueItems: true }),
  dataCategories: Type.Array(Type.String({ maxLength: 128 }), { maxItems: 100, uniqueItems: true }),
  retention: Type.String({ maxLength: 2000 }),
  supportingAssets: LongText,
};
const principleFields = { necessityAndProportionality: LongText, rightsMeasures: LongText };

const DpiaBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    context: Type.Optional(Type.Partial(Type.Object(contextFields, { additionalProperties: false }))),
    principles: Type.Optional(Type.Partial(Type.Object(principleFields, { additionalProperties: false }))),
    criteria: Type.Optional(Type.Array(literals(highRiskCriterionKeys), { maxItems: 9, uniqueItems: true })),
    risks: Type.Optional(
      Type.Partial(Type.Object(Object.fromEntries(dpiaRiskKeys.map((k) => [k, RiskBody])) as Record<(typeof dpiaRiskKeys)[number], typeof RiskBody>, { additionalProperties: false })),
    ),
    actionPlan: Type.Optional(Type.Array(Action, { maxItems: 100 })),
    dpoOpinion: Type.Optional(LongText),
    reviewOn: Type.Optional(Type.Union([DateString, Type.Null()])),
  },
  { additionalProperties: false },
);

const DpiaView = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  status: literals(['draft', 'signed'] as const),
  title: Type.String(),
  context: Type.Object(contextFields),
  principles: Type.Object(principleFields),
  criteria: Type.Array(literals(highRiskCriterionKeys)),
  screening: Type.Object({ criteria: Type.Array(Type.String()), count: Type.Integer(), recommended: Type.Boolean() }),
  risks: Type.Object({ illegitimate_access: Risk, unwanted_modification: Risk, disappearance: Risk }),
  actionPlan: Type.Array(Action),
  dpoOpinion: Type.String(),
  reviewOn: Type.Union([Type.String(), Type.Null()]),
  missing: Type.Array(Type.String()),
  signedAt: Type.Union([Type.String(), Type.Null()]),
  signedBy: Type.Union([Type.String(), Type.Null()]),
  signedPurposeVersions: Type.Union([Type.Record(Type.String(), Type.Integer()), Type.Null()]),
  review: Type.Object({ needed: Type.Boolean(), reasons: Type.Array(Type.String()) }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const ReviewBody = Type.Object(
  { outcome: literals(['confirmed', 'reopened'] as const), nextReviewOn: DateString },
  { additionalProperties: false },
);

const ListQuery = Type.Object(
  { cursor: Type.Optional(Type.String({ maxLength: 400 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) },
  { additionalProperties: false },
);

/** The response shape (plain mutable copies of the record's arrays). */
function view(d: Dpia): Static<typeof DpiaView> {
  return JSON.parse(JSON.stringify(d)) as Static<typeof DpiaView>;
}

/**
 * Governance: DPIAs following the CNIL method — drafts, sign-off (complete ones only), review (flagged when a covered
 * purpose changed), export as JSON and printable HTML.
 */
export function governanceDpiaRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'governance'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['governance'];
    const db = deps.db.kysely;
    const { dpias } = deps.governance;

    app.get(
      '/api/v1/governance/dpias',
      {
        config: { access: 'governance:read' },
        schema: {
          tags,
          summary: 'DPIAs, oldest first (cursor pagination), with their screening, completeness and review flag',
          querystring: ListQuery,
          response: { 200: Type.Object({ items: Type.Array(DpiaView), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await dpias.list(db, requestContext(request).workspaceId, {
          ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
          ...(q.limit !== undefined ? { limit: q.limit } : {}),
        });
        return { items: page.items.map(view), nextCursor: page.nextCursor };
      },
    );

    app.get(
      '/api/v1/governance/dpias/:id',
      { config: { access: 'governance:read' }, schema: { tags, summary: 'One DPIA (ETag = version)', params: IdParams, response: { 200: DpiaView } } },
      async (request, reply) => {
        const d = await dpias.getOrThrow(db, requestContext(request).workspaceId, request.params.id);
        return withEtag(reply, d.version).send(view(d));
      },
    );

    app.post(
      '/api/v1/governance/dpias',
      {
        config: { access: 'governance:write' },
        schema: { tags, summary: 'Start a DPIA (a draft; anything left out starts empty); accepts Idempotency-Key', body: DpiaBody, response: { 201: DpiaView } },
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        const body = request.body as DpiaDraft;
        return sendIdempotent(db, deps.clock, request, reply, {
          create: async () => {
            const d = await dpias.create(db, ctx, body);
            return { status: 201, resourceId: d.id, body: view(d), headers: { etag: etagOf(d.version) } };
          },
          replay: async (id) => {
            const d = await dpias.getOrThrow(db, ctx.workspaceId, id);
            return { body: view(d), headers: { etag: etagOf(d.version) } };
          },
        });
      },
    );

    app.put(
      '/api/v1/governance/dpias/:id',
      {
        config: { access: 'governance:write' },
        schema: { tags, summary: 'Replace a draft DPIA (If-Match); a signed one answers DPIA_SIGNED', params: IdParams, headers: IfMatchHeader, body: DpiaBody, response: { 200: DpiaView } },
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        await dpias.getOrThrow(db, ctx.workspaceId, request.params.id);
        const d = await dpias.update(db, ctx, request.params.id, expectedVersion(request, 'DPIA'), request.body as DpiaDraft);
        return withEtag(reply, d.version).send(view(d));
      },
    );

    app.post(
      '/api/v1/governance/dpias/:id/sign',
      {
        config: { access: 'governance:write' },
        schema: {
          tags,
          summary: 'Sign a complete DPIA (If-Match); DPIA_INCOMPLETE lists what is missing',
          params: IdParams,
          headers: IfMatchHeader,
          response: { 200: DpiaView },
        },
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        await dpias.getOrThrow(db, ctx.workspaceId, request.params.id);
        const d = await dpias.sign(db, ctx, request.params.id, expectedVersion(request, 'DPIA'), ctx.principal.userId);
        return withEtag(reply, d.version).send(view(d));
      },
    );

    app.post(
      '/api/v1/governance/dpias/:id/review',
      {
        config: { access: 'governance:write' },
        schema: {
          tags,
          summary: 'Review a signed DPIA (If-Match): confirm it for the current purposes, or reopen it as a draft',
          params: IdParams,
          headers: IfMatchHeader,
          body: ReviewBody,
          response: { 200: DpiaView },
        },
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        await dpias.getOrThrow(db, ctx.workspaceId, request.params.id);
        const d = await dpias.review(db, ctx, request.params.id, expectedVersion(request, 'DPIA'), request.body);
        return withEtag(reply, d.version).send(view(d));
      },
    );

    app.get(
      '/api/v1/governance/dpias/:id/export',
      {
        config: { access: 'governance:read' },
        schema: {
          tags,
          summary: 'Export a DPIA as JSON (default) or printable HTML',
          params: IdParams,
          querystring: Type.Object(
            { format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('html')], { default: 'json' })) },
            { additionalProperties: false },
          ),
          produces: ['application/json', 'text/html'],
          response: { 200: Type.String({ description: 'The document in the requested format' }) },
        },
      },
      async (request, reply) => {
        const { workspaceId } = requestContext(request);
        const d = await dpias.getOrThrow(db, workspaceId, request.params.id);
        if (request.query.format !== 'html') {
          return reply
            .type('application/json; charset=utf-8')
            .header('content-disposition', `attachment; filename="dpia-${d.id}-v${d.version}.json"`)
            .serializer((s: unknown) => s as string)
            .send(JSON.stringify(view(d), null, 2));
        }
        const ids = [...new Set([d.signedBy, ...d.actionPlan.map((a) => a.ownerUserId)].filter((v): v is string => v !== null))];
        const users = ids.length
          ? await db.selectFrom('users').select(['id', 'name']).where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute()
          : [];
        return reply
          .type('text/html; charset=utf-8')
          .serializer((s: unknown) => s as string)
          .send(dpiaHtml(d, new Map(users.map((u) => [u.id, u.name]))));
      },
    );
  };
}
