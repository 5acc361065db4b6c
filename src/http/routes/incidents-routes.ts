import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.ts';
import { AppError } from '../../errors.ts';
import { sendIdempotent } from '../idempotency.ts';
import { etagOf, IfMatchHeader, withEtag } from '../optimistic-concurrency.ts';
import { processingContextOf } from '../purpose-header.ts';
import { requestContext } from '../request-context.ts';
import { sendVersionedChange, type VersionedResource } from '../versioned-change.ts';
import { incidentHtml, recipientsCsv } from '../../monitoring/incidents/incident-export.ts';
import type { IncidentPatch, NewIncident } from '../../monitoring/incidents/incident-input.ts';
import { art34Exemptions, breachNatures, type Incident } from '../../monitoring/incidents/incident-types.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Instant = Type.String({ maxLength: 40, description: 'ISO-8601 date-time with a time zone' });
const Text = Type.String({ maxLength: 20_000 });
const Level = Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3), Type.Literal(4)]);
const Actor = Type.Object(
  { type: literals(['user', 'token'] as const), id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
const Override = Type.Object(
  {
    people: Type.Union([Type.Null(), Type.Integer({ minimum: 0, maximum: 1_000_000_000 })]),
    records: Type.Union([Type.Null(), Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 })]),
    categories: Type.Union([
      Type.Null(),
      Type.Array(Type.String({ maxLength: 128 }), { maxItems: 100, uniqueItems: true }),
    ]),
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
  },
  { additionalProperties: false },
);

const patchFields = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  occurredFrom: Instant,
  occurredTo: Type.Union([Type.Null(), Instant]),
  awareAt: Instant,
  nature: Type.Array(literals(breachNatures), { maxItems: 3, uniqueItems: true }),
  description: Text,
  involvedActors: Type.Array(Actor, { maxItems: 50 }),
  evidenceAuditSeqs: Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 1000 }),
  scopeOverride: Type.Union([Type.Null(), Override]),
  consequences: Text,
  measuresTaken: Text,
  measuresProposed: Text,
  adviceToPeople: Text,
  likelihood: Type.Union([Type.Null(), Level]),
  severity: Type.Union([Type.Null(), Level]),
  art34Exemption: Type.Union([Type.Null(), literals(art34Exemptions)]),
  noNotificationReason: Text,
  lateReason: Text,
};
const PatchBody = Type.Partial(Type.Object(patchFields, { additionalProperties: false }));
const { title: _t, occurredFrom: _o, awareAt: _a, ...optionalFields } = patchFields;
const CreateBody = Type.Object(
  {
    title: patchFields.title,
    occurredFrom: Instant,
    awareAt: Instant,
    ...Type.Partial(Type.Object(optionalFields)).properties,
  },
  { additionalProperties: false },
);

const Scope = Type.Object({
  computedAt: Type.String(),
  window: Type.Object({ from: Type.String(), to: Type.String() }),
  entries: Type.Integer(),
  firstSeq: Type.Union([Type.Null(), Type.Integer()]),
  lastSeq: Type.Union([Type.Null(), Type.Integer()]),
  operations: Type.Record(Type.String(), Type.Integer()),
  identifiedPeople: Type.Integer(),
  bulkOperations: Type.Integer(),
  bulkPeople: Type.Integer(),
  peopleLow: Type.Integer(),
  peopleHigh: Type.Integer(),
  people: Type.Optional(Type.Integer()),
  records: Type.Integer(),
  categories: Type.Array(Type.String()),
  specialCategories: Type.Array(Type.String()),
});

const IncidentView = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  version: Type.Integer(),
  title: Type.String(),
  status: literals(['open', 'closed'] as const),
  occurredFrom: Type.String(),
  occurredTo: Type.Union([Type.Null(), Type.String()]),
  awareAt: Type.String(),
  alertId: Type.Union([Type.Null(), Type.String()]),
  nature: Type.Array(literals(breachNatures)),
  description: Type.String(),
  involvedActors: Type.Array(Type.Object({ type: literals(['user', 'token'] as const), id: Type.String() })),
  evidenceAuditSeqs: Type.Array(Type.Integer()),
  scope: Type.Union([Type.Null(), Scope]),
  scopeOverride: Type.Union([
    Type.Object({
      people: Type.Union([Type.Null(), Type.Integer()]),
      records: Type.Union([Type.Null(), Type.Integer()]),
      categories: Type.Union([Type.Null(), Type.Array(Type.String())]),
      reason: Type.String(),
    }),
    Type.Null(),
  ]),
  effective: Type.Object({
    people: Type.Union([Type.Null(), Type.Integer()]),
    records: Type.Union([Type.Null(), Type.Integer()]),
    categories: Type.Array(Type.String()),
    specialCategories: Type.Array(Type.String()),
    source: literals(['computed', 'override', 'none'] as const),
  }),
  consequences: Type.String(),
  measuresTaken: Type.String(),
  measuresProposed: Type.String(),
  adviceToPeople: Type.String(),
  likelihood: Type.Union([Type.Null(), Level]),
  severity: Type.Union([Type.Null(), Level]),
  art34Exemption: Type.Union([Type.Null(), literals(art34Exemptions)]),
  assessment: Type.Object({
    level: Type.Union([Type.Null(), literals(['none', 'risk', 'high'] as const)]),
    score: Type.Union([Type.Null(), Type.Integer()]),
    authorityRequired: Type.Boolean(),
    peopleRequired: Type.Boolean(),
    publicCommunication: Type.Boolean(),
    reasons: Type.Array(Type.String()),
  }),
  clock: Type.Object({
    deadline: Type.String(),
    remainingMs: Type.Union([Type.Null(), Type.Number()]),
    state: literals(['running', 'overdue', 'met', 'late', 'not_required'] as const),
    lateReasonRequired: Type.Boolean(),
  }),
  noNotificationReason: Type.String(),
  lateReason: Type.String(),
  authorityNotifiedAt: Type.Union([Type.Null(), Type.String()]),
  authorityReference: Type.String(),
  peopleNotifiedAt: Type.Union([Type.Null(), Type.String()]),
  missing: Type.Object({ authority: Type.Array(Type.String()), people: Type.Array(Type.String()) }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  closedAt: Type.Union([Type.Null(), Type.String()]),
});

const TimelineView = Type.Object({
  id: Type.String(),
  at: Type.String(),
  recordedAt: Type.String(),
  actor: Type.Object({ type: Type.String(), id: Type.Union([Type.Null(), Type.String()]) }),
  kind: Type.String(),
  note: Type.String(),
});

const DraftView = Type.Object({
  kind: literals(['authority', 'people'] as const),
  incidentId: Type.String(),
  reference: Type.String(),
  generatedAt: Type.String(),
  subject: Type.String(),
  sections: Type.Array(Type.Object({ heading: Type.String(), body: Type.String() })),
  text: Type.String(),
});

const RecipientsView = Type.Object({
  recipients: Type.Array(
    Type.Object({ pseudonym: Type.String(), channel: literals(['email', 'phone', 'post', 'none'] as const) }),
  ),
  erased: Type.Integer(),
  unlisted: Type.Integer(),
});

const NotificationBody = Type.Object(
  {
    kind: literals(['authority', 'people'] as const),
    at: Type.Optional(Instant),
    authorityReference: Type.Optional(Type.String({ maxLength: 200 })),
    lateReason: Type.Optional(Text),
  },
  { additionalProperties: false },
);

/** The response shape (plain mutable copies). */
function view(i: Incident): Static<typeof IncidentView> {
  return JSON.parse(JSON.stringify(i)) as Static<typeof IncidentView>;
}

/**
 * The incident and breach register (Art. 33/34): incidents with the 72-hour clock, affected people computed from the
 * audit log, risk assessment, notification drafts, whom to notify, exports. Reading needs `monitoring:read`, changing
 * `monitoring:write`; contact details for sending need `people:export` and a legal-obligation purpose.
 */
export function incidentsRoutes(
  deps: Pick<AppDeps, 'db' | 'clock' | 'incidents' | 'purposes'>,
): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['incidents'];
    const db = deps.db.kysely;
    const { incidents } = deps;
    const url = '/api/v1/incidents';
    /** An unknown incident is 404 before a missing If-Match is 428. */
    const incident: VersionedResource<Incident> = {
      name: 'incident',
      view,
      around: async (ctx, id, work) => {
        await incidents.getOrThrow(db, ctx.workspaceId, id);
        return work();
      },
    };

    app.get(
      url,
      {
        config: { access: 'monitoring:read' },
        schema: {
          tags,
          summary:
            'Incidents, most recent awareness first, with their 72-hour clock (status: open by default); cursor pagination',
          querystring: Type.Object(
            {
              status: Type.Optional(literals(['open', 'closed', 'all'] as const)),
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
              cursor: Type.Optional(
                Type.String({ minLength: 1, maxLength: 400, pattern: '^[A-Za-z0-9_-]+$' }),
              ),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              items: Type.Array(IncidentView),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
          },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await incidents.list(db, requestContext(request).workspaceId, {
          status: q.status ?? 'open',
          ...(q.limit !== undefined ? { limit: q.limit } : {}),
          ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
        });
        return { items: page.items.map(view), nextCursor: page.nextCursor };
      },
    );

    app.post(
      url,
      {
        config: { access: 'monitoring:write' },
        schema: {
          tags,
          summary:
            'Record an incident; the affected people are computed from the involved accounts (accepts Idempotency-Key)',
          body: CreateBody,
          response: { 201: IncidentView },
        },
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        return sendIdempotent(db, deps.clock, request, reply, {
          create: async () => {
            const i = await incidents.create(db, ctx, request.body as NewIncident);
            return { status: 201, resourceId: i.id, body: view(i), headers: { etag: etagOf(i.version) } };
          },
          replay: async (id) => {
            const i = await incidents.getOrThrow(db, ctx.workspaceId, id);
            return { body: view(i), headers: { etag: etagOf(i.version) } };
          },
        });
      },
    );

    app.get(
      `${url}/:id`,
      {
        config: { access: 'monitoring:read' },
        schema: {
          tags,
          summary: 'One incident (ETag = version)',
          params: IdParams,
          response: { 200: IncidentView },
        },
      },
      async (request, reply) => {
        const i = await incidents.getOrThrow(db, requestContext(request).workspaceId, request.params.id);
        return withEtag(reply, i.version).send(view(i));
      },
    );

    app.patch(
      `${url}/:id`,
      {
        config: { access: 'monitoring:write' },
        schema: {
          tags,
          summary:
            'Change an open incident (If-Match); the scope is recomputed when the accounts or dates change',
          params: IdParams,
          headers: IfMatchHeader,
          body: PatchBody,
          response: { 200: IncidentView },
        },
      },
      async (request, reply) =>
        sendVersionedChange(request, reply, incident, (ctx, id, version) =>
          incidents.update(db, ctx, id, version, request.body as IncidentPatch),
        ),
    );

    app.post(
      `${url}/:id/scope`,
      {
        config: { access: 'monitoring:write' },
        schema: {
          tags,
          summary: 'Compute the affected people, records and categories again from the audit log (If-Match)',
          params: IdParams,
          headers: IfMatchHeader,
          response: { 200: IncidentView },
        },
      },
      async (request, reply) =>
        sendVersionedChange(request, reply, incident, (ctx, id, version) =>
          incidents.recomputeScope(db, ctx, id, version),
        ),
    );

    app.post(
      `${url}/:id/notifications`,
      {
        config: { access: 'monitoring:write' },
        schema: {
          tags,
          summary:
            'Record that the authority or the people were notified (If-Match); after 72 hours the reasons for the delay are required',
          params: IdParams,
          headers: IfMatchHeader,
          body: NotificationBody,
          response: { 200: IncidentView },
        },
      },
      async (request, reply) => {
        const b = request.body;
        return sendVersionedChange(request, reply, incident, (ctx, id, version) =>
          incidents.recordNotification(db, ctx, id, version, {
            kind: b.kind,
            ...(b.at !== undefined ? { at: b.at } : {}),
            ...(b.authorityReference !== undefined ? { authorityReference: b.authorityReference } : {}),
            ...(b.lateReason !== undefined ? { lateReason: b.lateReason } : {}),
          }),
        );
      },
    );

    app.post(
      `${url}/:id/close`,
      {
        config: { access: 'monitoring:write' },
        schema: {
          tags,
          summary:
            'Close an incident once notified, or once the reasons for not notifying are recorded (If-Match)',
          params: IdParams,
          headers: IfMatchHeader,
          response: { 200: IncidentView },
        },
      },
      async (request, reply) =>
        sendVersionedChange(request, reply, incident, (ctx, id, version) =>
          incidents.close(db, ctx, id, version),
        ),
    );

    app.get(
      `${url}/:id/timeline`,
      {
        config: { access: 'monitoring:read' },
        schema: {
          tags,
          summary: 'The actions on an incident, in time order',
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(TimelineView) }) },
        },
      },
      async (request) => ({
        items: await incidents.timeline(db, requestContext(request).workspaceId, request.params.id),
      }),
    );

    app.post(
      `${url}/:id/timeline`,
      {
        config: { access: 'monitoring:write' },
        schema: {
          tags,
          summary: 'Add an action to the timeline (a note, optionally dated in the past)',
          params: IdParams,
          body: Type.Object(
            { note: Type.String({ minLength: 1, maxLength: 5000 }), at: Type.Optional(Instant) },
            { additionalProperties: false },
          ),
          response: { 201: TimelineView },
        },
      },
      async (request, reply) => {
        const entry = await incidents.addNote(db, requestContext(request), request.params.id, {
          note: request.body.note,
          ...(request.body.at !== undefined ? { at: request.body.at } : {}),
        });
        return reply.code(201).send(entry);
      },
    );

    app.post(
      `${url}/:id/drafts/:kind`,
      {
        config: { access: 'monitoring:write' },
        schema: {
          tags,
          summary:
            'Produce the draft notification to the authority (Art. 33(3)) or the letter to the people (Art. 34(2)); INCIDENT_NOTIFICATION_INCOMPLETE lists what is missing',
          params: Type.Object({
            id: Type.String({ format: 'uuid' }),
            kind: literals(['authority', 'people'] as const),
          }),
          response: { 200: DraftView },
        },
      },
      async (request) => {
        const draft = await incidents.draft(
          db,
          requestContext(request),
          request.params.id,
          request.params.kind,
        );
        return JSON.parse(JSON.stringify(draft)) as Static<typeof DraftView>;
      },
    );

    app.get(
      `${url}/:id/recipients`,
      {
        config: { access: 'monitoring:read' },
        schema: {
          tags,
          summary:
            'Whom to notify: pseudonyms and channels of the people the involved accounts touched (no contact details)',
          params: IdParams,
          response: { 200: RecipientsView },
        },
      },
      async (request) => {
        const { workspaceId } = requestContext(request);
        const i = await incidents.getOrThrow(db, workspaceId, request.params.id);
        return JSON.parse(JSON.stringify(await incidents.recipients.list(db, workspaceId, i))) as Static<
          typeof RecipientsView
        >;
      },
    );

    app.get(
      `${url}/:id/recipients.csv`,
      {
        config: { access: 'monitoring:write' },
        schema: {
          tags,
          summary:
            'CSV of whom to notify. With contacts=true: name, email and phone, through the gate under a legal-obligation purpose (Custodian-Purpose header) and people:export; audited',
          params: IdParams,
          querystring: Type.Object(
            { contacts: Type.Optional(Type.Boolean({ default: false })) },
            { additionalProperties: false },
          ),
          produces: ['text/csv'],
          response: { 200: Type.String({ description: 'CSV text' }) },
        },
      },
      async (request, reply) => {
        const rc = requestContext(request);
        const i = await incidents.getOrThrow(db, rc.workspaceId, request.params.id);
        let csv: string;
        if (request.query.contacts) {
          if (!rc.principal.role.permissions.has('people:export'))
            throw new AppError('FORBIDDEN', { permission: 'people:export' });
          const ctx = await processingContextOf(request, reply, { db: deps.db, purposes: deps.purposes });
          csv = recipientsCsv(await incidents.recipients.exportContacts(db, ctx, i));
        } else {
          const list = await incidents.recipients.list(db, rc.workspaceId, i);
          await incidents.recordExport(db, rc, i.id, 'recipients CSV (pseudonyms)', {
            rows: list.recipients.length,
          });
          csv = recipientsCsv(list.recipients);
        }
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${i.reference}-recipients.csv"`)
          .serializer((s: unknown) => s as string)
          .send(csv);
      },
    );

    app.get(
      `${url}/:id/export`,
      {
        config: { access: 'monitoring:read' },
        schema: {
          tags,
          summary:
            'Export the register entry as JSON (default, with the timeline) or printable HTML; audited',
          params: IdParams,
          querystring: Type.Object(
            { format: Type.Optional(literals(['json', 'html'] as const)) },
            { additionalProperties: false },
          ),
          produces: ['application/json', 'text/html'],
          response: { 200: Type.String({ description: 'The document in the requested format' }) },
        },
      },
      async (request, reply) => {
        const rc = requestContext(request);
        const i = await incidents.getOrThrow(db, rc.workspaceId, request.params.id);
        const format = request.query.format ?? 'json';
        await incidents.recordExport(db, rc, i.id, `register entry (${format})`, { format });
        const timeline = await incidents.timeline(db, rc.workspaceId, i.id);
        if (format === 'html') {
          return reply
            .type('text/html; charset=utf-8')
            .serializer((s: unknown) => s as string)
            .send(incidentHtml(i, timeline));
        }
        return reply
          .type('application/json; charset=utf-8')
          .header('content-disposition', `attachment; filename="${i.reference}.json"`)
          .serializer((s: unknown) => s as string)
          .send(JSON.stringify({ ...view(i), timeline }, null, 2));
      },
    );
  };
}
