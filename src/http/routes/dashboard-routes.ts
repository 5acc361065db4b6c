import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.ts';
import { requestContext } from '../request-context.ts';
import { privacyDashboard } from '../../monitoring/dashboard/privacy-dashboard.ts';

const Nullable = <T extends ReturnType<typeof Type.Object>>(t: T) => Type.Union([t, Type.Null()]);
const Finding = Type.Object({
  checkKey: Type.String(),
  title: Type.String(),
  group: Type.String(),
  severity: Type.String(),
  reference: Type.String(),
  subject: Type.String(),
  evidence: Type.Record(Type.String(), Type.Unknown()),
  fixLink: Type.String(),
});
const BySeverity = Type.Object({
  critical: Type.Integer(),
  high: Type.Integer(),
  medium: Type.Integer(),
  low: Type.Integer(),
});

const Dashboard = Type.Object({
  generatedAt: Type.String(),
  consent: Type.Array(
    Type.Object({
      purpose: Type.String(),
      rate: Type.Number(),
      valid: Type.Integer(),
      records: Type.Integer(),
      expiringSoon: Type.Integer(),
      weekly: Type.Array(
        Type.Object({ week: Type.String(), given: Type.Integer(), withdrawn: Type.Integer() }),
      ),
    }),
  ),
  requests: Nullable(
    Type.Object({
      overdue: Type.Integer(),
      dueIn7Days: Type.Integer(),
      dueIn30Days: Type.Integer(),
      later: Type.Integer(),
      closedInTime90Days: Type.Integer(),
      closedLate90Days: Type.Integer(),
    }),
  ),
  retention: Nullable(
    Type.Object({
      lastSweepAt: Type.String(),
      dryRun: Type.Boolean(),
      due: Type.Integer(),
      erased: Type.Integer(),
      blocked: Type.Integer(),
      failed: Type.Integer(),
    }),
  ),
  incidents: Type.Union([
    Type.Array(
      Type.Object({
        id: Type.String(),
        reference: Type.String(),
        awareAt: Type.String(),
        deadline: Type.String(),
        notified: Type.Boolean(),
        remainingMs: Type.Union([Type.Number(), Type.Null()]),
      }),
    ),
    Type.Null(),
  ]),
  alerts: Nullable(
    Type.Object({
      open: BySeverity,
      daily: Type.Array(Type.Object({ day: Type.String(), raised: Type.Integer() })),
    }),
  ),
  training: Type.Object({
    assigned: Type.Integer(),
    completed: Type.Integer(),
    overdue: Type.Integer(),
    completionRate: Type.Integer(),
  }),
  compliance: Type.Object({
    history: Type.Array(Type.Object({ at: Type.String(), score: Type.Integer() })),
    latestRunId: Type.Union([Type.String(), Type.Null()]),
    topFindings: Type.Array(Finding),
  }),
  processing: Type.Object({
    days: Type.Array(Type.String()),
    purposes: Type.Array(
      Type.Object({ purpose: Type.String(), total: Type.Integer(), daily: Type.Array(Type.Integer()) }),
    ),
  }),
});

/** `GET /api/v1/dashboard/privacy`: the DPO dashboard's summary in one call (counts only, set-based queries). */
export function dashboardRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'compliance'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/api/v1/dashboard/privacy',
      {
        config: { access: 'compliance:read' },
        schema: {
          tags: ['compliance'],
          summary:
            'DPO dashboard: consent rates per purpose over time, open requests by deadline, retention, open incidents with their 72-hour clocks, ' +
            'alerts, training completion, compliance score over time with top findings, processing volume per purpose per day',
          response: { 200: Dashboard },
        },
      },
      async (request) => {
        const { workspaceId } = requestContext(request);
        return JSON.parse(
          JSON.stringify(
            await privacyDashboard(
              { db: deps.db.kysely, compliance: deps.compliance },
              workspaceId,
              deps.clock.now(),
            ),
          ),
        ) as never;
      },
    );
  };
}
