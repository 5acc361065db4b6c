import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.ts';
import { sendIdempotent } from '../idempotency.ts';
import { expectedVersion, etagOf, IfMatchHeader, withEtag } from '../optimistic-concurrency.ts';
import { requestContext } from '../request-context.ts';
import { art28TermKeys, processorRoles, type Processor, type ProcessorInput } from '../../governance/processors/processor-types.ts';
import { art49Derogations, transferTools, type Transfer, type TransferInput } from '../../governance/transfers/transfer-types.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 10, description: 'Calendar date YYYY-MM-DD' });
const Id = Type.String({ format: 'uuid' });
const IdParams = Type.Object({ id: Id });
const TransferFlag = literals(['missing_tool', 'tool_unfit', 'expired', 'no_tia'] as const);

const Agreement = Type.Object(
  {
    signedOn: Type.Union([DateString, Type.Null()]),
    expiresOn: Type.Union([DateString, Type.Null()]),
    documentReference: Type.Union([Type.String({ maxLength: 300 }), Type.Null()]),
    terms: Type.Array(literals(art28TermKeys), { maxItems: 8, uniqueItems: true, description: 'Art. 28(3)(a)–(h) terms checked' }),
  },
  { additionalProperties: false },
);
const Notice = Type.Object(
  { noticeOn: DateString, objectionWindowDays: Type.Integer({ minimum: 0, maximum: 365 }) },
  { additionalProperties: false },
);

const ProcessorBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    role: literals(processorRoles),
    parentId: Type.Optional(Type.Union([Id, Type.Null()])),
    services: Type.Optional(Type.String({ maxLength: 2000 })),
    dataCategories: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 100, uniqueItems: true })),
    purposes: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100, uniqueItems: true })),
    countries: Type.Optional(Type.Array(Type.String({ maxLength: 2 }), { maxItems: 250, uniqueItems: true, description: 'ISO 3166-1 alpha-2' })),
    agreement: Type.Optional(Type.Union([Agreement, Type.Null()])),
    subProcessorNotice: Type.Optional(Type.Union([Notice, Type.Null()])),
    certifications: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50 })),
    reviewOn: Type.Optional(Type.Union([DateString, Type.Null()])),
  },
  { additionalProperties: false },
);

const ProcessorView = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  name: Type.String(),
  role: literals(processorRoles),
  parentId: Type.Union([Type.String(), Type.Null()]),
  services: Type.String(),
  dataCategories: Type.Array(Type.String()),
  purposes: Type.Array(Type.String()),
  countries: Type.Array(Type.String()),
  agreement: Type.Union([Agreement, Type.Null()]),
  subProcessorNotice: Type.Union([Notice, Type.Null()]),
  certifications: Type.Array(Type.String()),
  reviewOn: Type.Union([Type.String(), Type.Null()]),
  status: literals(['draft', 'complete'] as const),
  missing: Type.Array(Type.String()),
  objectionDeadline: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const TransferBody = Type.Object(
  {
    processorId: Id,
    country: Type.String({ maxLength: 2, description: 'ISO 3166-1 alpha-2, outside the EEA' }),
    tool: literals(transferTools),
    sccModule: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 4 }), Type.Null()])),
    art49Derogation: Type.Optional(Type.Union([literals(art49Derogations), Type.Null()])),
    tiaReference: Type.Optional(Type.Union([Type.String({ maxLength: 300 }), Type.Null()])),
    supplementaryMeasures: Type.Optional(Type.Union([Type.String({ maxLength: 4000 }), Type.Null()])),
    expiresOn: Type.Optional(Type.Union([DateString, Type.Null()])),
  },
  { additionalProperties: false },
);

const TransferView = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  processorId: Type.String(),
  processorName: Type.String(),
  country: Type.String(),
  countryName: Type.String(),
  tool: literals(transferTools),
  sccModule: Type.Union([Type.Integer(), Type.Null()]),
  art49Derogation: Type.Union([literals(art49Derogations), Type.Null()]),
  tiaReference: Type.Union([Type.String(), Type.Null()]),
  supplementaryMeasures: Type.Union([Type.String(), Type.Null()]),
  expiresOn: Type.Union([Type.String(), Type.Null()]),
  flags: Type.Array(TransferFlag),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const Gap = Type.Object({
  processorId: Type.String(),
  processorName: Type.String(),
  country: Type.String(),
  countryName: Type.String(),
  flags: Type.Array(TransferFlag),
});

const ListQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 400 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);

function processorView(p: Processor): Static<typeof ProcessorView> {
  return {
    ...p,
    dataCategories: [...p.dataCategories],
    purposes: [...p.purposes],
    countries: [...p.countries],
    certifications: [...p.certifications],
    missing: [...p.missing],
    agreement: p.agreement ? { ...p.agreement, terms: [...p.agreement.terms] } : null,
  };
}

function transferView(t: Transfer): Static<typeof TransferView> {
  return { ...t, flags: [...t.flags] };
}

/**
 * Governance: the register of processors, sub-processors, joint controllers and recipients (Art. 28), and the
 * register of transfers to third countries (Chapter V) with their flags.
 */
export function governanceProcessorsRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'governance'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['governance'];
    const db = deps.db.kysely;
    const { processors, transfers } = deps.governance;

    app.get(
      '/api/v1/governance/processors',
      {
        config: { access: 'governance:read' },
        schema: {
          tags,
          summary: 'Processors and recipients by name (cursor pagination); drafts say what they lack',
          querystring: ListQuery,
          response: { 200: Type.Object({ items: Type.Array(ProcessorView), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await processors.list(db, requestContext(request).workspaceId, {
          ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
          ...(q.limit !== undefined ? { limit: q.limit } : {}),
        });
        return { items: page.items.map(processorView), nextCursor: page.nextCursor };
      },
    );

    app.get(
      '/api/v1/governance/processors/:id',
      {
        config: { access: 'governance:read' },
        schema: { tags, summary: 'One processor (ETag = version)', params: IdParams, response: { 200: ProcessorView } },
      },
      async (request, reply) => {
        const p = await processors.getOrThrow(db, requestContext(request).workspaceId, request.params.id);
        return withEtag(reply, p.version).send(processorView(p));
      },
    );

    app.post(
      '/api/v1/governance/processors',
      {
        config: { access: 'governance:write' },
        schema: {
          tags,
          summary: 'Record a processor or recipient (saved as a draft while items are missing); accepts Idempotency-Key',
          body: ProcessorBody,
          response: { 201: ProcessorView },
        },
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        const body = request.body as ProcessorInput;
        return sendIdempotent(db, deps.clock, request, reply, {
          create: async () => {
            const p = await processors.create(db, ctx, body);
            return { status: 201, resourceId: p.id, body: processorView(p), headers: { etag: etagOf(p.version) } };
          },
          replay: async (id) => {
            const p = await processors.getOrThrow(db, ctx.workspaceId, id);
            return { body: processorView(p), headers: { etag: etagOf(p.version) } };
          },
        });
      },
    );

    app.put(
      '/api/v1/governance/processors/:id',
      {
        config: { access: 'governance:write' },
        schema: {
          tags,
          summary: 'Replace a processor record (If-Match)',
          params: IdParams,
          headers: IfMatchHeader,
          body: ProcessorBody,
          response: { 200: ProcessorView },
        },
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        await processors.getOrThrow(db, ctx.workspaceId, request.params.id);
        const p = await processors.update(db, ctx, request.params.id, expectedVersion(request, 'processor'), request.body as ProcessorInput);
        return withEtag(reply, p.version).send(processorView(p));
      },
    );

    app.get(
      '/api/v1/governance/transfers',
      {
        config: { access: 'governance:read' },
        schema: {
          tags,
          summary: 'Transfers to third countries with their flags, and the non-EEA countries of processors no transfer covers',
          response: { 200: Type.Object({ items: Type.Array(TransferView), gaps: Type.Array(Gap) }) },
        },
      },
      async (request) => {
        const register = await transfers.register(db, requestContext(request).workspaceId);
        return { items: register.items.map(transferView), gaps: register.gaps.map((g) => ({ ...g, flags: [...g.flags] })) };
      },
    );

    app.get(
      '/api/v1/governance/transfers/:id',
      {
        config: { access: 'governance:read' },
        schema: { tags, summary: 'One transfer (ETag = version)', params: IdParams, response: { 200: TransferView } },
      },
      async (request, reply) => {
        const t = await transfers.getOrThrow(db, requestContext(request).workspaceId, request.params.id);
        return withEtag(reply, t.version).send(transferView(t));
      },
    );

    app.post(
      '/api/v1/governance/transfers',
      {
        config: { access: 'governance:write' },
        schema: {
          tags,
          summary: 'Record a transfer: destination outside the EEA and a tool that fits it; accepts Idempotency-Key',
          body: TransferBody,
          response: { 201: TransferView },
        },
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        const body = request.body as TransferInput;
        return sendIdempotent(db, deps.clock, request, reply, {
          create: async () => {
            const t = await transfers.create(db, ctx, body);
            return { status: 201, resourceId: t.id, body: transferView(t), headers: { etag: etagOf(t.version) } };
          },
          replay: async (id) => {
            const t = await transfers.getOrThrow(db, ctx.workspaceId, id);
            return { body: transferView(t), headers: { etag: etagOf(t.version) } };
          },
        });
      },
    );

    app.put(
      '/api/v1/governance/transfers/:id',
      {
        config: { access: 'governance:write' },
        schema: {
          tags,
          summary: 'Replace a transfer (If-Match)',
          params: IdParams,
          headers: IfMatchHeader,
          body: TransferBody,
          response: { 200: TransferView },
        },
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        await transfers.getOrThrow(db, ctx.workspaceId, request.params.id);
        const t = await transfers.update(db, ctx, request.params.id, expectedVersion(request, 'transfer'), request.body as TransferInput);
        return withEtag(reply, t.version).send(transferView(t));
      },
    );
  };
}
