import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.ts';
import { AppError, isAppError } from '../../errors.ts';
import { sendIdempotent } from '../idempotency.ts';
import { etagOf, IfMatchHeader, withEtag } from '../optimistic-concurrency.ts';
import { requestContext, type RequestContext } from '../request-context.ts';
import { sendVersionedChange, type VersionedResource } from '../versioned-change.ts';
import {
  identityMethods,
  requestChannels,
  requestStatuses,
  requestTypes,
  type RequestView as RequestViewType,
} from '../../rights/requests/request-types.ts';
import { requestPurposeKey } from '../../kernel/purposes/request-purpose.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Sla = literals(['on_track', 'due_soon', 'overdue', 'closed'] as const);
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const staffChannels = requestChannels.filter((c) => c !== 'portal');

const RequestView = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  type: literals(requestTypes),
  status: literals(requestStatuses),
  channel: literals(requestChannels),
  personId: Nullable(Type.String()),
  assigneeId: Nullable(Type.String()),
  language: Type.String(),
  receivedAt: Type.String(),
  dueAt: Type.String(),
  extendedUntil: Nullable(Type.String()),
  extensionReason: Nullable(Type.String()),
  identityVerifiedAt: Nullable(Type.String()),
  identityMethod: Type.Union([literals(identityMethods), Type.Null()]),
  completedAt: Nullable(Type.String()),
  refusalReason: Nullable(Type.String()),
  sla: Sla,
  version: Type.Integer(),
});

const Details = Type.Object(
  {
    message: Type.Optional(Type.String({ maxLength: 10_000 })),
    rectification: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 2000 }), { maxProperties: 50 }),
    ),
    purposes: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50, uniqueItems: true }),
    ),
  },
  { additionalProperties: false },
);

const LogBody = Type.Object(
  {
    type: literals(requestTypes),
    channel: literals(staffChannels),
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
    personId: Type.Optional(Type.String({ format: 'uuid' })),
    identityMethod: Type.Optional(literals(identityMethods)),
    language: Type.String({ minLength: 2, maxLength: 20, default: 'en' }),
    details: Type.Optional(Details),
    receivedAt: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
    assigneeId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
  },
  { additionalProperties: false },
);

const PatchBody = Type.Object(
  {
    assigneeId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
    language: Type.Optional(Type.String({ minLength: 2, maxLength: 20 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

const TransitionBody = Type.Object(
  {
    to: literals(
      requestStatuses.filter((s) => s !== 'received' && s !== 'identity_unverified' && s !== 'extended'),
    ),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    identityMethod: Type.Optional(literals(identityMethods)),
  },
  { additionalProperties: false },
);

const ExtendBody = Type.Object(
  {
    months: Type.Union([Type.Literal(1), Type.Literal(2)]),
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
  },
  { additionalProperties: false },
);

const NoteBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 5000 }), personal: Type.Boolean({ default: false }) },
  { additionalProperties: false },
);

const LinkBody = Type.Object({ personId: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

const ListQuery = Type.Object(
  {
    status: Type.Optional(literals(requestStatuses)),
    type: Type.Optional(literals(requestTypes)),
    assignee: Type.Optional(
      Type.Union([Type.Literal('me'), Type.Literal('none'), Type.String({ format: 'uuid' })]),
    ),
    sla: Type.Optional(Sla),
    dueBefore: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
    cursor: Type.Optional(Type.String({ maxLength: 400 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);

const StepView = Type.Object({
  id: Type.String(),
  seq: Type.Integer(),
  kind: Type.String(),
  summary: Type.String(),
  personal: Type.Boolean(),
  actor: Type.Object({ type: Type.String(), id: Nullable(Type.String()) }),
  at: Type.String(),
});

const Summary = Type.Object({
  open: Type.Integer(),
  overdue: Type.Integer(),
  dueSoon: Type.Integer(),
  onTrack: Type.Integer(),
  unassigned: Type.Integer(),
});

const Requester = Type.Object({
  email: Nullable(Type.String()),
  language: Type.String(),
  details: Details,
});

const plain = (v: RequestViewType): Static<typeof RequestView> => ({ ...v });

/**
 * The staff request inbox (`requests:read` / `requests:write`): list with filters and SLA, log a request received by
 * phone, letter or in person, read it (with the requester's contact and details, audited), assign, move its status,
 * extend its deadline, notes and timeline, and download the stored result. Every refused attempt on a request
 * (unknown id, another workspace's, a refused move) is audited as denied.
 */
export function requestsRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'requests'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['requests'];
    const db = deps.db.kysely;
    const { requests } = deps;

    /** Runs `work`; a refused attempt (4xx) is audited as denied, then answered. */
    const guarded = async <T>(
      ctx: RequestContext,
      action: string,
      id: string | null,
      work: () => Promise<T>,
    ): Promise<T> => {
      try {
        return await work();
      } catch (e) {
        if (isAppError(e) && e.status < 500) await requests.auditDenied(ctx, action, id, e);
        throw e;
      }
    };

    /** An If-Match change of a request: a refusal, a missing or stale If-Match included, is audited as `action` denied. */
    const requestResource = (action: string): VersionedResource<RequestViewType> => ({
      name: 'request',
      view: plain,
      around: (ctx, id, work) => guarded(ctx, action, id, work),
    });

    app.get(
      '/api/v1/requests',
      {
        config: { access: 'requests:read' },
        schema: {
          tags,
          summary:
            'The request inbox, earliest deadline first (cursor pagination); filters status, type, assignee (me, none, user id), SLA, due before',
          querystring: ListQuery,
          response: {
            200: Type.Object({ items: Type.Array(RequestView), nextCursor: Nullable(Type.String()) }),
          },
        },
      },
      async (request) => {
        const ctx = requestContext(request);
        const q = request.query;
        const page = await requests.list(db, ctx.workspaceId, {
          status: q.status,
          type: q.type,
          assignee: q.assignee === 'me' ? (ctx.principal.userId ?? 'none') : q.assignee,
          sla: q.sla,
          dueBefore: q.dueBefore,
          cursor: q.cursor,
          limit: q.limit,
        });
        return { items: page.items.map(plain), nextCursor: page.nextCursor };
      },
    );

    app.get(
      '/api/v1/requests/summary',
      {
        config: { access: 'requests:read' },
        schema: {
          tags,
          summary: 'Open requests by SLA indicator (overdue, due within 7 days, on track) and unassigned',
          response: { 200: Summary },
        },
      },
      async (request) => requests.summary(db, requestContext(request).workspaceId),
    );

    app.post(
      '/api/v1/requests',
      {
        config: { access: 'requests:write' },
        schema: {
          tags,
          summary:
            'Log a request received by phone, letter, email or in person (verified when the identity method is given); accepts Idempotency-Key',
          body: LogBody,
          response: { 201: RequestView },
        },
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        const b = request.body;
        return sendIdempotent(db, deps.clock, request, reply, {
          create: async () => {
            const v = await db.transaction().execute((trx) =>
              requests.logFromStaff(trx, ctx, {
                type: b.type,
                channel: b.channel as Exclude<(typeof requestChannels)[number], 'portal'>,
                email: b.email,
                personId: b.personId,
                identityMethod: b.identityMethod,
                language: b.language,
                details: b.details,
                receivedAt: b.receivedAt,
                assigneeId: b.assigneeId,
              }),
            );
            return {
              status: 201,
              resourceId: v.id,
              body: plain(v),
              headers: { etag: etagOf(v.version), location: `/api/v1/requests/${v.id}` },
            };
          },
          replay: async (id) => {
            const v = await requests.get(db, ctx.workspaceId, id);
            return { body: plain(v), headers: { etag: etagOf(v.version) } };
          },
        });
      },
    );

    app.get(
      '/api/v1/requests/:id',
      {
        config: { access: 'requests:read' },
        schema: {
          tags,
          summary: 'One request (ETag = version)',
          params: IdParams,
          response: { 200: RequestView },
        },
      },
      async (request, reply) => {
        const v = await requests.open(db, requestContext(request), request.params.id);
        return withEtag(reply, v.version).send(plain(v));
      },
    );

    app.get(
      '/api/v1/requests/:id/requester',
      {
        config: { access: 'requests:read' },
        schema: {
          tags,
          summary: "The requester's contact email and what they asked, decrypted (audited)",
          params: IdParams,
          response: { 200: Requester },
        },
      },
      async (request) => {
        const ctx = requestContext(request);
        const id = request.params.id;
        return guarded(ctx, 'request.read_requester', id, async () => {
          // Gate-checked and audited as this staff member, under the built-in requests purpose (ADR 0034).
          const reader = { ...ctx, purpose: requestPurposeKey, role: ctx.principal.role };
          const contact = await requests.contactOf(db, ctx.workspaceId, id, reader);
          const details = await requests.detailsOf(db, ctx.workspaceId, id);
          const v = await requests.get(db, ctx.workspaceId, id);
          await db.transaction().execute((trx) =>
            requests.recordStep(trx, ctx, id, {
              kind: 'viewed',
              summary: 'Requester contact and details viewed',
            }),
          );
          return {
            email: contact?.email ?? null,
            language: v.language,
            details: JSON.parse(JSON.stringify(details)) as Static<typeof Details>,
          };
        });
      },
    );

    app.patch(
      '/api/v1/requests/:id',
      {
        config: { access: 'requests:write' },
        schema: {
          tags,
          summary: 'Assign the request or change its language (If-Match)',
          params: IdParams,
          headers: IfMatchHeader,
          body: PatchBody,
          response: { 200: RequestView },
        },
      },
      async (request, reply) =>
        sendVersionedChange(request, reply, requestResource('request.update'), (ctx, id, version) =>
          db.transaction().execute((trx) => requests.update(trx, ctx, id, version, request.body)),
        ),
    );

    app.post(
      '/api/v1/requests/:id/transitions',
      {
        config: { access: 'requests:write' },
        schema: {
          tags,
          summary:
            'Move the status (If-Match): to verified with the identity method, refused with a reason; final statuses do not change (REQUEST_TRANSITION_REFUSED)',
          params: IdParams,
          headers: IfMatchHeader,
          body: TransitionBody,
          response: { 200: RequestView },
        },
      },
      async (request, reply) => {
        const b = request.body;
        return sendVersionedChange(
          request,
          reply,
          requestResource('request.transition'),
          (ctx, id, version) =>
            db.transaction().execute(async (trx) => {
              if (b.to === 'verified') {
                const current = await requests.get(trx, ctx.workspaceId, id);
                if (current.status === 'received' || current.status === 'identity_unverified') {
                  if (b.identityMethod === undefined)
                    throw new AppError('VALIDATION_FAILED', {
                      field: 'identityMethod',
                      detail: 'say how identity was checked',
                    });
                  await requests.markIdentityVerified(trx, ctx, id, b.identityMethod, {
                    expectedVersion: version,
                  });
                  return requests.get(trx, ctx.workspaceId, id);
                }
              }
              return requests.transition(trx, ctx, id, b.to, b.reason, { expectedVersion: version });
            }),
        );
      },
    );

    app.post(
      '/api/v1/requests/:id/extend',
      {
        config: { access: 'requests:write' },
        schema: {
          tags,
          summary:
            'Extend the deadline by 1 or 2 months with the reason the person is told (If-Match); only within the first month, 3 months at most',
          params: IdParams,
          headers: IfMatchHeader,
          body: ExtendBody,
          response: { 200: RequestView },
        },
      },
      async (request, reply) =>
        sendVersionedChange(request, reply, requestResource('request.extend'), (ctx, id, version) =>
          db.transaction().execute((trx) =>
            requests.extend(trx, ctx, id, request.body.months, request.body.reason, {
              expectedVersion: version,
            }),
          ),
        ),
    );

    app.post(
      '/api/v1/requests/:id/person',
      {
        config: { access: 'requests:write' },
        schema: {
          tags,
          summary: 'Link the request to a person staff identified (If-Match)',
          params: IdParams,
          headers: IfMatchHeader,
          body: LinkBody,
          response: { 200: RequestView },
        },
      },
      async (request, reply) =>
        sendVersionedChange(request, reply, requestResource('request.link_person'), (ctx, id, version) =>
          db.transaction().execute(async (trx) => {
            await requests.linkPerson(trx, ctx, id, request.body.personId, { expectedVersion: version });
            return requests.get(trx, ctx.workspaceId, id);
          }),
        ),
    );

    app.post(
      '/api/v1/requests/:id/notes',
      {
        config: { access: 'requests:write' },
        schema: {
          tags,
          summary: 'Add a note to the timeline (personal notes are encrypted under the request key)',
          params: IdParams,
          body: NoteBody,
          response: { 201: Type.Object({ ok: Type.Boolean() }) },
        },
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        const id = request.params.id;
        await guarded(ctx, 'request.note', id, () =>
          db
            .transaction()
            .execute((trx) =>
              requests.addNote(trx, ctx, id, { text: request.body.text, personal: request.body.personal }),
            ),
        );
        return reply.code(201).send({ ok: true });
      },
    );

    app.get(
      '/api/v1/requests/:id/timeline',
      {
        config: { access: 'requests:read' },
        schema: {
          tags,
          summary: 'Every step of the request, oldest first',
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(StepView) }) },
        },
      },
      async (request) => {
        const ctx = requestContext(request);
        const id = request.params.id;
        return guarded(ctx, 'request.timeline', id, async () => ({
          items: await requests.timeline(db, ctx.workspaceId, id),
        }));
      },
    );

    app.get(
      '/api/v1/requests/:id/result',
      {
        config: { access: 'requests:read' },
        schema: {
          tags,
          summary: 'Download the stored result file (access or portability export), decrypted; audited',
          params: IdParams,
          produces: ['application/octet-stream'],
          response: { 200: Type.Unknown({ description: 'The file, in its own content type' }) },
        },
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        const id = request.params.id;
        const file = await guarded(ctx, 'request.result_download', id, async () => {
          const f = await requests.readResult(db, ctx.workspaceId, id);
          if (!f) throw new AppError('NOT_FOUND', { resource: 'request result' });
          await db.transaction().execute((trx) =>
            requests.recordStep(trx, ctx, id, {
              kind: 'result_download',
              summary: 'Result file downloaded by staff',
            }),
          );
          return f;
        });
        return reply
          .type(file.contentType)
          .header('content-disposition', `attachment; filename="${file.filename}"`)
          .header('cache-control', 'no-store')
          .send(file.body);
      },
    );
  };
}
