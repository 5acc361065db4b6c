import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.ts';
import { expectedVersion, IfMatchHeader, withEtag } from '../optimistic-concurrency.ts';
import { requestContext } from '../request-context.ts';
import {
  alertRuleKeys,
  alertSeverities,
  ruleDescriptions,
  ruleKinds,
  type AlertRuleSet,
} from '../../monitoring/alerts/alert-rules.ts';
import { alertStatuses, alertTitle, type Alert } from '../../monitoring/alerts/alert-store.ts';
import type { StoredAlertRuleSet } from '../../monitoring/alerts/alert-rule-store.ts';
import type { IncidentFromAlert } from '../../monitoring/incidents/incident-from-alert.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Severity = literals(alertSeverities);
const RuleKey = literals(alertRuleKeys);

const AlertView = Type.Object({
  id: Type.String(),
  rule: RuleKey,
  title: Type.String(),
  severity: Severity,
  status: literals(alertStatuses),
  subjectType: literals(['user', 'token', 'account', 'address', 'role', 'workspace'] as const),
  subjectId: Type.Union([Type.String(), Type.Null()], {
    description: 'A user, token or role id, an address digest, or null: never an email or an address',
  }),
  summary: Type.String(),
  figures: Type.Record(Type.String(), Type.Unknown()),
  evidence: Type.Object({
    seqs: Type.Array(Type.Integer(), { description: 'Audit log positions (seq) cited, at most 200' }),
    count: Type.Integer(),
  }),
  hits: Type.Integer({ description: 'Hits grouped into this alert (repeats within its window)' }),
  windowStart: Type.String(),
  windowEnd: Type.String(),
  firstSeenAt: Type.String(),
  lastSeenAt: Type.String(),
  raisedAt: Type.String(),
  acknowledgedAt: Type.Union([Type.String(), Type.Null()]),
  acknowledgedBy: Type.Union([Type.String(), Type.Null()]),
  dismissedAt: Type.Union([Type.String(), Type.Null()]),
  dismissedBy: Type.Union([Type.String(), Type.Null()]),
  dismissReason: Type.Union([Type.String(), Type.Null()]),
  incidentId: Type.Union([Type.String(), Type.Null()]),
  version: Type.Integer(),
});

const volume = {
  enabled: Type.Boolean(),
  severity: Severity,
  minimum: Type.Integer(),
  deviations: Type.Number(),
  baselineDays: Type.Integer(),
};
const burst = {
  enabled: Type.Boolean(),
  severity: Severity,
  threshold: Type.Integer(),
  windowMinutes: Type.Integer(),
};
const event = { enabled: Type.Boolean(), severity: Severity, windowMinutes: Type.Integer() };
const shapes = { volume, burst, event } as const;
const RulesView = Type.Object(
  Object.fromEntries(alertRuleKeys.map((k) => [k, Type.Object(shapes[ruleKinds[k]])])) as unknown as Record<
    (typeof alertRuleKeys)[number],
    ReturnType<typeof Type.Object>
  >,
);
const RulesBody = Type.Object(
  Object.fromEntries(
    alertRuleKeys.map((k) => [k, Type.Optional(Type.Partial(Type.Object(shapes[ruleKinds[k]])))]),
  ) as unknown as Record<string, ReturnType<typeof Type.Optional>>,
  { additionalProperties: false },
);
const WorkingHours = Type.Object({
  start: Type.String({ maxLength: 5 }),
  end: Type.String({ maxLength: 5 }),
  days: Type.Array(Type.Integer(), { maxItems: 7 }),
});

const RuleSetView = Type.Object({
  version: Type.Integer(),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
  timezone: Type.String(),
  workingHours: WorkingHours,
  notifyRoles: Type.Array(Type.String()),
  rules: RulesView,
  descriptions: Type.Record(Type.String(), Type.String()),
});
const RuleSetBody = Type.Object(
  {
    timezone: Type.Optional(Type.String({ maxLength: 64 })),
    workingHours: Type.Optional(
      Type.Object(
        {
          start: Type.String({ maxLength: 5 }),
          end: Type.String({ maxLength: 5 }),
          days: Type.Array(Type.Integer(), { maxItems: 7 }),
        },
        { additionalProperties: false },
      ),
    ),
    notifyRoles: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20 })),
    rules: Type.Optional(RulesBody),
  },
  { additionalProperties: false },
);

const ListQuery = Type.Object(
  {
    status: Type.Optional(literals([...alertStatuses, 'active'] as const)),
    rule: Type.Optional(RuleKey),
    severity: Type.Optional(Severity),
    cursor: Type.Optional(Type.String({ maxLength: 400 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);

const view = (a: Alert): Static<typeof AlertView> =>
  ({
    ...a,
    title: alertTitle(a.rule),
    evidence: { seqs: [...a.evidence.seqs], count: a.evidence.count },
  }) as Static<typeof AlertView>;
const rulesView = (s: StoredAlertRuleSet) => ({
  version: s.version,
  updatedAt: s.updatedAt,
  timezone: s.set.timezone,
  workingHours: { ...s.set.workingHours, days: [...s.set.workingHours.days] },
  notifyRoles: [...s.set.notifyRoles],
  rules: s.set.rules as unknown as Static<typeof RulesView>,
  descriptions: { ...ruleDescriptions },
});

/**
 * Anomaly alerts and their rules: list, read, acknowledge, dismiss with a reason, open an incident; read and replace
 * the workspace's rule settings (If-Match; malformed settings refused naming each field).
 */
export function alertsRoutes(
  deps: Pick<AppDeps, 'db' | 'alerts'> & { readonly incidents?: IncidentFromAlert },
): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['monitoring'];
    const db = deps.db.kysely;
    const { store, rules } = deps.alerts;

    app.get(
      '/api/v1/alerts',
      {
        config: { access: 'monitoring:read' },
        schema: {
          tags,
          summary: 'Alerts, newest first (cursor pagination); `status=active` for open and acknowledged',
          querystring: ListQuery,
          response: {
            200: Type.Object({
              items: Type.Array(AlertView),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
          },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await store.list(db, requestContext(request).workspaceId, {
          ...(q.status ? { status: q.status } : {}),
          ...(q.rule ? { rule: q.rule } : {}),
          ...(q.severity ? { severity: q.severity } : {}),
          ...(q.cursor ? { cursor: q.cursor } : {}),
          ...(q.limit ? { limit: q.limit } : {}),
        });
        return { items: page.items.map(view), nextCursor: page.nextCursor };
      },
    );

    app.get(
      '/api/v1/alerts/summary',
      {
        config: { access: 'monitoring:read' },
        schema: {
          tags,
          summary: 'Open and acknowledged alerts by severity, with the five latest (the home widget)',
          response: {
            200: Type.Object({
              open: Type.Integer(),
              acknowledged: Type.Integer(),
              bySeverity: Type.Record(Type.String(), Type.Integer()),
              latest: Type.Array(AlertView),
            }),
          },
        },
      },
      async (request) => {
        const s = await store.summary(db, requestContext(request).workspaceId);
        return { ...s, latest: s.latest.map(view) };
      },
    );

    app.get(
      '/api/v1/alerts/:id',
      {
        config: { access: 'monitoring:read' },
        schema: {
          tags,
          summary: 'One alert with its evidence (ETag = version)',
          params: IdParams,
          response: { 200: AlertView },
        },
      },
      async (request, reply) => {
        const a = await store.getOrThrow(db, requestContext(request).workspaceId, request.params.id);
        return withEtag(reply, a.version).send(view(a));
      },
    );

    app.post(
      '/api/v1/alerts/:id/acknowledge',
      {
        config: { access: 'monitoring:write' },
        schema: {
          tags,
          summary: 'Acknowledge an open alert (If-Match)',
          params: IdParams,
          headers: IfMatchHeader,
          response: { 200: AlertView },
        },
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        await store.getOrThrow(db, ctx.workspaceId, request.params.id);
        const a = await store.acknowledge(db, ctx, request.params.id, expectedVersion(request, 'alert'));
        return withEtag(reply, a.version).send(view(a));
      },
    );

    app.post(
      '/api/v1/alerts/:id/dismiss',
      {
        config: { access: 'monitoring:write' },
        schema: {
          tags,
          summary: 'Dismiss an alert with a reason (If-Match)',
          params: IdParams,
          headers: IfMatchHeader,
          body: Type.Object({ reason: Type.String({ maxLength: 1000 }) }, { additionalProperties: false }),
          response: { 200: AlertView },
        },
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        await store.getOrThrow(db, ctx.workspaceId, request.params.id);
        const a = await store.dismiss(
          db,
          ctx,
          request.params.id,
          expectedVersion(request, 'alert'),
          request.body.reason,
        );
        return withEtag(reply, a.version).send(view(a));
      },
    );

    app.post(
      '/api/v1/alerts/:id/incident',
      {
        config: { access: 'monitoring:write' },
        schema: {
          tags,
          summary:
            'Turn an alert into an incident of the breach register (If-Match); the 72-hour clock starts at the alert',
          params: IdParams,
          headers: IfMatchHeader,
          response: { 200: Type.Object({ incidentId: Type.String(), alert: AlertView }) },
        },
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        await store.getOrThrow(db, ctx.workspaceId, request.params.id);
        const r = await store.openIncident(
          db,
          ctx,
          request.params.id,
          expectedVersion(request, 'alert'),
          deps.incidents,
        );
        return withEtag(reply, r.alert.version).send({ incidentId: r.incidentId, alert: view(r.alert) });
      },
    );

    app.get(
      '/api/v1/alert-rules',
      {
        config: { access: 'monitoring:read' },
        schema: {
          tags,
          summary: "The workspace's detector settings (ETag = version; 0 = defaults)",
          response: { 200: RuleSetView },
        },
      },
      async (request, reply) => {
        const s = await rules.get(db, requestContext(request).workspaceId);
        return withEtag(reply, s.version).send(rulesView(s));
      },
    );

    app.put(
      '/api/v1/alert-rules',
      {
        config: { access: 'monitoring:write' },
        schema: {
          tags,
          summary:
            'Replace the detector settings (If-Match); rules left out take their defaults; malformed settings are refused naming each field',
          headers: IfMatchHeader,
          body: RuleSetBody,
          response: { 200: RuleSetView },
        },
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        const s = await rules.put(
          db,
          ctx,
          expectedVersion(request, 'alert rules'),
          request.body as Partial<AlertRuleSet>,
        );
        return withEtag(reply, s.version).send(rulesView(s));
      },
    );
  };
}
