import type { Command } from 'commander';
import { AppError } from '../errors.ts';
import { alertRuleKeys, alertSeverities } from '../monitoring/alerts/alert-rules.ts';
import { alertStatuses, alertTitle, type Alert } from '../monitoring/alerts/alert-store.ts';
import { openCliContext, type CliContext } from './cli-context.ts';
import { cliWorkspaceId } from './cli-workspace.ts';

const listStatuses = ['active', ...alertStatuses, 'all'] as const;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function oneOf<T extends string>(
  values: readonly T[],
  value: string | undefined,
  option: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (!(values as readonly string[]).includes(value))
    throw new AppError('BAD_REQUEST', { detail: `${option} is one of ${values.join(', ')}` });
  return value as T;
}

function alertId(id: string): string {
  if (!uuid.test(id))
    throw new AppError('BAD_REQUEST', { detail: 'the alert id is a UUID (see `custodian alerts list`)' });
  return id.toLowerCase();
}

function versionOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new AppError('BAD_REQUEST', { detail: '--if-version is a whole number from 1' });
  return n;
}

/** Opens the CLI context, runs `work` in the chosen workspace and closes the context whatever happens. */
async function inWorkspace<T>(
  workspace: string | undefined,
  work: (ctx: CliContext, workspaceId: string) => Promise<T>,
): Promise<T> {
  const ctx = await openCliContext();
  try {
    return await work(ctx, await cliWorkspaceId(ctx, workspace));
  } finally {
    await ctx.close();
  }
}

function printAlert(a: Alert): void {
  const rows: [string, string | number | null][] = [
    ['Alert', alertTitle(a.rule)],
    ['Rule', a.rule],
    ['Severity', a.severity],
    ['Status', a.status],
    ['Summary', a.summary],
    ['Subject', a.subjectId ? `${a.subjectType} ${a.subjectId}` : a.subjectType],
    ['Hits', a.hits],
    ['Window', `${a.windowStart} to ${a.windowEnd}`],
    ['Raised', a.raisedAt],
    [
      'Evidence',
      `${a.evidence.count} audit entries${a.evidence.seqs.length ? ` (seq ${a.evidence.seqs.slice(0, 10).join(', ')}${a.evidence.seqs.length > 10 ? ', …' : ''})` : ''}`,
    ],
    ['Acknowledged', a.acknowledgedAt ? `${a.acknowledgedAt} by ${a.acknowledgedBy ?? 'unknown'}` : null],
    [
      'Dismissed',
      a.dismissedAt ? `${a.dismissedAt} by ${a.dismissedBy ?? 'unknown'}: ${a.dismissReason ?? ''}` : null,
    ],
    ['Incident', a.incidentId],
    ['Version', a.version],
    ['Id', a.id],
  ];
  for (const [k, v] of rows) if (v !== null) console.log(`${k.padEnd(13)} ${v}`);
}

/**
 * `custodian alerts list|show|ack|dismiss`: the anomaly alerts for operators, in the first workspace unless
 * `--workspace` names one. `ack` and `dismiss --reason` are audited with the actor `system:cli`, like the console's
 * buttons (src/monitoring/alerts/alert-store.ts). Alerts hold no personal data; nor does anything printed here.
 *
 * @example
 * custodian alerts list --severity high
 * custodian alerts dismiss 0b6f… --reason "Planned migration export"
 */
export function registerAlertsCommand(program: Command): void {
  const alerts = program.command('alerts').description('anomaly alerts: list, show, acknowledge, dismiss');

  alerts
    .command('list')
    .description('alerts, most recently raised first')
    .option(
      '--status <status>',
      `${listStatuses.join(', ')} (default active: open and acknowledged)`,
      'active',
    )
    .option('--severity <severity>', `only this severity (${alertSeverities.join(', ')})`)
    .option('--rule <rule>', `only this rule (${alertRuleKeys.join(', ')})`)
    .option('--limit <n>', 'at most this many (1-200)', '50')
    .option('--json', 'print JSON')
    .option('--workspace <id>', 'workspace id (default: the first workspace)')
    .action(
      async (options: {
        status: string;
        severity?: string;
        rule?: string;
        limit: string;
        json?: boolean;
        workspace?: string;
      }) => {
        const status = oneOf(listStatuses, options.status, '--status');
        const severity = oneOf(alertSeverities, options.severity, '--severity');
        const rule = oneOf(alertRuleKeys, options.rule, '--rule');
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 200)
          throw new AppError('BAD_REQUEST', { detail: '--limit is 1 to 200' });
        await inWorkspace(options.workspace, async (ctx, workspaceId) => {
          const page = await ctx.services.alerts.store.list(ctx.db.kysely, workspaceId, {
            ...(status && status !== 'all' ? { status } : {}),
            ...(severity ? { severity } : {}),
            ...(rule ? { rule } : {}),
            limit,
          });
          if (options.json) {
            console.log(JSON.stringify(page.items, null, 2));
            return;
          }
          if (page.items.length === 0) {
            console.log('No alerts.');
            return;
          }
          console.log(['RAISED AT', 'SEVERITY', 'STATUS', 'RULE', 'HITS', 'SUMMARY', 'ID'].join('\t'));
          for (const a of page.items)
            console.log([a.raisedAt, a.severity, a.status, a.rule, a.hits, a.summary, a.id].join('\t'));
          if (page.nextCursor)
            console.log(`(more than ${limit}: narrow with --status, --severity or --rule, or raise --limit)`);
        });
      },
    );

  alerts
    .command('show')
    .description('one alert with its figures and evidence')
    .argument('<id>', 'alert id')
    .option('--json', 'print JSON')
    .option('--workspace <id>', 'workspace id (default: the first workspace)')
    .action(async (id: string, options: { json?: boolean; workspace?: string }) => {
      const alert = alertId(id);
      await inWorkspace(options.workspace, async (ctx, workspaceId) => {
        const a = await ctx.services.alerts.store.getOrThrow(ctx.db.kysely, workspaceId, alert);
        if (options.json) console.log(JSON.stringify({ ...a, title: alertTitle(a.rule) }, null, 2));
        else printAlert(a);
      });
    });

  alerts
    .command('ack')
    .description('acknowledge an open alert (someone is looking at it)')
    .argument('<id>', 'alert id')
    .option('--if-version <n>', 'only if the alert is still at this version (else exit 6)')
    .option('--workspace <id>', 'workspace id (default: the first workspace)')
    .action(async (id: string, options: { ifVersion?: string; workspace?: string }) => {
      const alert = alertId(id);
      const version = versionOption(options.ifVersion);
      await inWorkspace(options.workspace, async (ctx, workspaceId) => {
        const store = ctx.services.alerts.store;
        const expected = version ?? (await store.getOrThrow(ctx.db.kysely, workspaceId, alert)).version;
        const a = await store.acknowledge(
          ctx.db.kysely,
          { workspaceId, actor: { type: 'system', id: 'cli' } },
          alert,
          expected,
        );
        console.log(`Acknowledged ${a.id} (${alertTitle(a.rule)}), version ${a.version}.`);
      });
    });

  alerts
    .command('dismiss')
    .description('dismiss an open or acknowledged alert, with the reason (kept on the alert)')
    .argument('<id>', 'alert id')
    .requiredOption('--reason <text>', 'why it is not a problem (1-1000 characters)')
    .option('--if-version <n>', 'only if the alert is still at this version (else exit 6)')
    .option('--workspace <id>', 'workspace id (default: the first workspace)')
    .action(async (id: string, options: { reason: string; ifVersion?: string; workspace?: string }) => {
      const alert = alertId(id);
      const version = versionOption(options.ifVersion);
      const reason = options.reason.trim();
      if (reason.length === 0 || reason.length > 1000)
        throw new AppError('BAD_REQUEST', { detail: '--reason is 1 to 1000 characters' });
      await inWorkspace(options.workspace, async (ctx, workspaceId) => {
        const store = ctx.services.alerts.store;
        const expected = version ?? (await store.getOrThrow(ctx.db.kysely, workspaceId, alert)).version;
        const a = await store.dismiss(
          ctx.db.kysely,
          { workspaceId, actor: { type: 'system', id: 'cli' } },
          alert,
          expected,
          reason,
        );
        console.log(`Dismissed ${a.id} (${alertTitle(a.rule)}), version ${a.version}.`);
      });
    });
}
