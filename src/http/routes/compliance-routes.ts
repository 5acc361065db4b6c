import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.ts';
import { requestContext } from '../request-context.ts';
import { AppError } from '../../errors.ts';
import { complianceChecks } from '../../monitoring/compliance/compliance-checks.ts';
import { severities } from '../../monitoring/compliance/compliance-check.ts';
import { complianceReportCsv, complianceReportHtml } from '../../monitoring/compliance/compliance-report.ts';
import { runTriggers, type FindingView, type RunView } from '../../monitoring/compliance/compliance-types.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Severity = literals(severities);
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const Finding = Type.Object({
  checkKey: Type.String(),
  title: Type.String(),
  group: Type.String(),
  severity: Severity,
  reference: Type.String(),
  subject: Type.String({ description: 'What is wrong: a key or an id (never personal data)' }),
  evidence: Type.Record(Type.String(), Type.Unknown(), { description: 'Ids, counts and dates' }),
  fixLink: Type.String({ description: 'Console path where it is fixed' }),
});
const runFields = {
  id: Type.String(),
  trigger: literals(runTriggers),
  startedAt: Type.String(),
  finishedAt: Type.String(),
  durationMs: Type.Integer(),
  score: Type.Integer({ minimum: 0, maximum: 100 }),
  checksRun: Type.Integer(),
  checksFailed: Type.Integer(),
  findings: Type.Integer(),
  bySeverity: Type.Object({
    critical: Type.Integer(),
    high: Type.Integer(),
    medium: Type.Integer(),
    low: Type.Integer(),
  }),
  skipped: Type.Array(Type.Object({ key: Type.String(), missing: Type.Array(Type.String()) })),
  errors: Type.Array(Type.Object({ key: Type.String(), code: Type.String() })),
};
const Run = Type.Object(runFields);
const RunReport = Type.Object({ ...runFields, items: Type.Array(Finding) });
const Comparison = Type.Object({
  runId: Type.String(),
  previousRunId: Type.Union([Type.String(), Type.Null()]),
  score: Type.Integer(),
  previousScore: Type.Union([Type.Integer(), Type.Null()]),
  newFindings: Type.Array(Finding),
  resolvedFindings: Type.Array(Finding),
  unchanged: Type.Integer(),
});
const Check = Type.Object({
  key: Type.String(),
  group: Type.String(),
  title: Type.String(),
  severity: Severity,
  reference: Type.String(),
  fixLink: Type.String(),
  requires: Type.Array(Type.String()),
});

const copy = <T>(v: T) => JSON.parse(JSON.stringify(v)) as never;
const reportView = (r: RunView & { items: readonly FindingView[] }): Static<typeof RunReport> => copy(r);

/**
 * Automated compliance audits: the checks, runs on demand (kept and scored), run history (the score over time), one
 * run with its findings, its comparison with the run before, and its export as JSON, CSV or printable HTML.
 */
export function complianceRoutes(deps: Pick<AppDeps, 'compliance'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['compliance'];
    const { compliance } = deps;

    app.get(
      '/api/v1/compliance/checks',
      {
        config: { access: 'compliance:read' },
        schema: {
          tags,
          summary: 'Every automated compliance check',
          response: { 200: Type.Object({ items: Type.Array(Check) }) },
        },
      },
      async () => ({
        items: complianceChecks.map((c) => ({
          key: c.key,
          group: c.group,
          title: c.title,
          severity: c.severity,
          reference: c.reference,
          fixLink: c.fixLink,
          requires: [...(c.requires ?? [])],
        })),
      }),
    );

    app.post(
      '/api/v1/compliance/runs',
      {
        config: { access: 'compliance:run' },
        schema: {
          tags,
          summary: 'Run every check now; the run is kept, scored and audited',
          body: Type.Optional(Type.Object({}, { additionalProperties: false })),
          response: { 201: RunReport },
        },
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        const report = await compliance.run(
          { workspaceId: ctx.workspaceId, actor: ctx.actor, requestId: ctx.requestId, ip: ctx.ip },
          'api',
        );
        return reply
          .code(201)
          .header('location', `/api/v1/compliance/runs/${report.id}`)
          .send(reportView(report));
      },
    );

    app.get(
      '/api/v1/compliance/runs',
      {
        config: { access: 'compliance:read' },
        schema: {
          tags,
          summary: 'Kept runs, newest first (the score over time); `before` pages back',
          querystring: Type.Object(
            {
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
              before: Type.Optional(
                Type.String({ format: 'date-time', description: 'Runs started before this instant' }),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ items: Type.Array(Run) }) },
        },
      },
      async (request) => {
        const { workspaceId } = requestContext(request);
        const q = request.query;
        const items = await compliance.list(workspaceId, {
          ...(q.limit !== undefined ? { limit: q.limit } : {}),
          ...(q.before !== undefined ? { before: q.before } : {}),
        });
        return { items: copy(items) };
      },
    );

    app.get(
      '/api/v1/compliance/runs/latest',
      {
        config: { access: 'compliance:read' },
        schema: {
          tags,
          summary: 'The latest run with its findings (404 before the first run)',
          response: { 200: RunReport },
        },
      },
      async (request) => {
        const { workspaceId } = requestContext(request);
        const latest = await compliance.latest(workspaceId);
        if (!latest) throw new AppError('NOT_FOUND', { resource: 'compliance_run' });
        return reportView(latest);
      },
    );

    app.get(
      '/api/v1/compliance/runs/:id',
      {
        config: { access: 'compliance:read' },
        schema: {
          tags,
          summary: 'One run with its findings',
          params: IdParams,
          response: { 200: RunReport },
        },
      },
      async (request) =>
        reportView(await compliance.getOrThrow(requestContext(request).workspaceId, request.params.id)),
    );

    app.get(
      '/api/v1/compliance/runs/:id/comparison',
      {
        config: { access: 'compliance:read' },
        schema: {
          tags,
          summary: 'New and resolved findings against the run before',
          params: IdParams,
          response: { 200: Comparison },
        },
      },
      async (request) =>
        copy(await compliance.compare(requestContext(request).workspaceId, request.params.id)),
    );

    app.get(
      '/api/v1/compliance/runs/:id/export',
      {
        config: { access: 'compliance:read' },
        schema: {
          tags,
          summary: 'Export a run as JSON (with its comparison), CSV (one row per finding) or printable HTML',
          params: IdParams,
          querystring: Type.Object(
            { format: Type.Optional(literals(['json', 'csv', 'html'] as const)) },
            { additionalProperties: false },
          ),
          produces: ['application/json', 'text/csv', 'text/html'],
          response: { 200: Type.String({ description: 'The report in the requested format' }) },
        },
      },
      async (request, reply) => {
        const { workspaceId } = requestContext(request);
        const report = await compliance.getOrThrow(workspaceId, request.params.id);
        const name = `compliance-${report.finishedAt.slice(0, 10)}-${report.id.slice(0, 8)}`;
        const raw = (s: unknown) => s as string;
        const format = request.query.format ?? 'json';
        if (format === 'csv') {
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${name}.csv"`)
            .serializer(raw)
            .send(complianceReportCsv(report));
        }
        const comparison = await compliance.compare(workspaceId, report.id);
        if (format === 'html')
          return reply
            .type('text/html; charset=utf-8')
            .serializer(raw)
            .send(complianceReportHtml(report, comparison));
        return reply
          .type('application/json; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}.json"`)
          .serializer(raw)
          .send(JSON.stringify({ report, comparison }, null, 2));
      },
    );
  };
}
