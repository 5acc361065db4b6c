import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.ts';
import { AppError } from '../../errors.ts';
import { sendIdempotent } from '../idempotency.ts';
import { etagOf, expectedVersion, IfMatchHeader, withEtag } from '../optimistic-concurrency.ts';
import { requestContext } from '../request-context.ts';
import {
  retentionActions,
  retentionStartEvents,
  type RetentionPolicyInput,
} from '../../rights/retention/retention-policies.ts';
import { sweepTriggers } from '../../rights/retention/retention-sweeps.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const uuid = Type.String({ format: 'uuid' });
const IdParams = Type.Object({ id: uuid }, { additionalProperties: false });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const PolicyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    category: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 128 }))),
    purpose: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64 }))),
    period: Type.String({ minLength: 2, maxLength: 32, description: 'ISO 8601 duration: P2Y, P6M, P90D' }),
    startEvent: literals(retentionStartEvents),
    action: literals(retentionActions),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const Policy = Type.Object({
  id: Type.String(),
  name: Type.String(),
  category: Type.Union([Type.String(), Type.Null()]),
  purpose: Type.Union([Type.String(), Type.Null()]),
  period: Type.String(),
  startEvent: literals(retentionStartEvents),
  action: literals(retentionActions),
  active: Type.Boolean(),
  version: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const PolicyVersion = Type.Object({
  version: Type.Integer(),
  policy: Policy,
  changedAt: Type.String(),
  actor: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
});

const DueItem = Type.Object({
  personId: Type.String(),
  pseudonym: Type.String(),
  policyId: Type.String(),
  policyName: Type.String(),
  startEvent: literals(retentionStartEvents),
  startedAt: Type.String(),
  dueAt: Type.String(),
  action: literals(retentionActions),
  holdIds: Type.Array(Type.String()),
});

const Counts = {
  due: Type.Integer(),
  erased: Type.Integer(),
  anonymised: Type.Integer(),
  blocked: Type.Integer(),
  kept: Type.Integer(),
  failed: Type.Integer(),
};

const Sweep = Type.Object({
  id: Type.String(),
  trigger: literals(sweepTriggers),
  dryRun: Type.Boolean(),
  status: literals(['running', 'completed', 'failed'] as const),
  startedAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  ...Counts,
  perPolicy: Type.Record(Type.String(), Type.Object(Counts)),
  errorCode: Type.Union([Type.String(), Type.Null()]),
  actor: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
});

const Page = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 400 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);

/** Preview cursor: the position after the last item shown (due date and person id; no personal data). */
const encodeCursor = (dueAt: string, personId: string) =>
  Buffer.from(JSON.stringify([dueAt, personId])).toString('base64url');
function decodeCursor(cursor: string): [string, string] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string')
      return [v[0], v[1]];
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION_FAILED', {
    detail: 'The cursor is not valid',
    errors: [{ path: '/cursor', message: 'invalid cursor' }],
  });
}

/** Most blocked persons listed in a preview (the count is always complete). */
const blockedShown = 200;

/**
 * Retention: policies per category and purpose (versioned, If-Match), the preview of the next sweep (who, under which
 * policy, from which event, due when, what action; blocked by legal holds shown apart), sweeps on demand (or dry runs)
 * and their records.
 */
export function retentionRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'retention'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['retention'];
    const db = deps.db.kysely;
    const { policies, sweeper } = deps.retention;

    app.get(
      '/api/v1/retention/policies',
      {
        config: { access: 'retention:read' },
        schema: {
          tags,
          summary: 'Retention policies, by name',
          response: { 200: Type.Object({ items: Type.Array(Policy) }) },
        },
      },
      async (request) => ({ items: await policies.list(db, requestContext(request).workspaceId) }),
    );

    app.get(
      '/api/v1/retention/policies/:id',
      {
        config: { access: 'retention:read' },
        schema: {
          tags,
          summary: 'One retention policy (ETag = version)',
          params: IdParams,
          response: { 200: Policy },
        },
      },
      async (request, reply) => {
        const p = await policies.getOrThrow(db, requestContext(request).workspaceId, request.params.id);
        return withEtag(reply, p.version).send(p);
      },
    );

    app.get(
      '/api/v1/retention/policies/:id/versions',
      {
        config: { access: 'retention:read' },
        schema: {
          tags,
          summary: 'Every version of a retention policy, oldest first, with who changed it',
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(PolicyVersion) }) },
        },
      },
      async (request) => ({
        items: await policies.versions(db, requestContext(request).workspaceId, request.params.id),
      }),
    );

    app.post(
      '/api/v1/retention/policies',
      {
        config: { access: 'retention:write' },
        schema: {
          tags,
          summary: 'Create a retention policy (audited, version 1); accepts Idempotency-Key',
          body: PolicyBody,
          response: { 201: Policy },
        },
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        const body = request.body as RetentionPolicyInput;
        return sendIdempotent(db, deps.clock, request, reply, {
          create: async () => {
            const p = await policies.create(db, ctx, body);
            return { status: 201, resourceId: p.id, body: p, headers: { etag: etagOf(p.version) } };
          },
          replay: async (id) => {
            const p = await policies.getOrThrow(db, ctx.workspaceId, id);
            return { body: p, headers: { etag: etagOf(p.version) } };
          },
        });
      },
    );

    app.put(
      '/api/v1/retention/policies/:id',
      {
        config: { access: 'retention:write' },
        schema: {
          tags,
          summary: 'Replace a retention policy (If-Match); the old version is kept',
          params: IdParams,
          headers: IfMatchHeader,
          body: PolicyBody,
          response: { 200: Policy },
        },
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        await policies.getOrThrow(db, ctx.workspaceId, request.params.id);
        const p = await policies.update(
          db,
          ctx,
          request.params.id,
          expectedVersion(request, 'retention policy'),
          request.body as RetentionPolicyInput,
        );
        return withEtag(reply, p.version).send(p);
      },
    );

    app.get(
      '/api/v1/retention/preview',
      {
        config: { access: 'retention:read' },
        schema: {
          tags,
          summary:
            'What the next sweep would erase or anonymise and why (by due date, cursor pagination); persons under a legal hold apart, as blocked',
          querystring: Page,
          response: {
            200: Type.Object({
              items: Type.Array(DueItem),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
              total: Type.Integer({ description: 'Persons the sweep would erase or anonymise' }),
              blocked: Type.Array(DueItem, {
                description: `Due but under a legal hold (at most ${blockedShown})`,
              }),
              blockedTotal: Type.Integer(),
              perPolicy: Type.Array(
                Type.Object({
                  policyId: Type.String(),
                  policyName: Type.String(),
                  action: literals(retentionActions),
                  due: Type.Integer(),
                  blocked: Type.Integer(),
                }),
              ),
              at: Type.String({ description: 'The time the preview was computed for' }),
            }),
          },
        },
      },
      async (request) => {
        const { workspaceId } = requestContext(request);
        const limit = request.query.limit ?? 50;
        const after = request.query.cursor ? decodeCursor(request.query.cursor) : undefined;
        // Paged through the workspace by the sweeper (only this page's items are kept in memory).
        const page = await sweeper.preview(db, workspaceId, { limit, blockedShown, ...(after ? { after } : {}) });
        const last = page.items[page.items.length - 1];
        return {
          items: page.items,
          nextCursor: page.more && last ? encodeCursor(last.dueAt, last.personId) : null,
          total: page.total,
          blocked: page.blocked,
          blockedTotal: page.blockedTotal,
          perPolicy: page.perPolicy,
          at: deps.clock.now().toISOString(),
        };
      },
    );

    app.post(
      '/api/v1/retention/sweeps',
      {
        config: { access: 'retention:write' },
        schema: {
          tags,
          summary:
            'Run a retention sweep now (or a dry run that only counts); one at a time per workspace; accepts Idempotency-Key',
          body: Type.Optional(
            Type.Object({ dryRun: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
          ),
          response: { 201: Sweep },
        },
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        return sendIdempotent(db, deps.clock, request, reply, {
          create: async () => {
            const s = await sweeper.sweep(ctx.workspaceId, {
              trigger: 'api',
              dryRun: request.body?.dryRun === true,
              actor: ctx.actor,
              requestId: ctx.requestId,
              ip: ctx.ip,
            });
            return { status: 201, resourceId: s.id, body: s };
          },
          replay: async (id) => ({ body: await sweeper.getOrThrow(db, ctx.workspaceId, id) }),
        });
      },
    );

    app.get(
      '/api/v1/retention/sweeps',
      {
        config: { access: 'retention:read' },
        schema: {
          tags,
          summary: 'Sweeps and dry runs, newest first, with their counts (cursor pagination)',
          querystring: Page,
          response: {
            200: Type.Object({
              items: Type.Array(Sweep),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
          },
        },
      },
      async (request) =>
        sweeper.list(db, requestContext(request).workspaceId, {
          limit: request.query.limit ?? 50,
          cursor: request.query.cursor,
        }),
    );

    app.get(
      '/api/v1/retention/sweeps/:id',
      {
        config: { access: 'retention:read' },
        schema: {
          tags,
          summary: 'One sweep with its counts per policy',
          params: IdParams,
          response: { 200: Sweep },
        },
      },
      async (request) => sweeper.getOrThrow(db, requestContext(request).workspaceId, request.params.id),
    );
  };
}

export type RetentionPolicyView = Static<typeof Policy>;
