import type { Command } from 'commander';
import { openCliContext } from '../../cli/cli-context.ts';
import { cliWorkspaceId } from '../../cli/cli-workspace.ts';
import { AppError } from '../../errors.ts';
import type { Incident } from './incident-types.ts';

const statuses = ['open', 'closed', 'all'] as const;

/** "2 d 03 h left" / "overdue 5 h" / the clock state once notified. */
function clockText(i: Incident): string {
  const ms = i.clock.remainingMs;
  if (ms === null) return i.clock.state;
  const h = Math.floor(Math.abs(ms) / 3_600_000);
  const text =
    h >= 24
      ? `${Math.floor(h / 24)} d ${String(h % 24).padStart(2, '0')} h`
      : `${h} h ${String(Math.floor((Math.abs(ms) % 3_600_000) / 60_000)).padStart(2, '0')} min`;
  return ms >= 0 ? `${text} left` : `overdue ${text}`;
}

/**
 * `custodian incidents list [--status open|closed|all] [--limit N] [--cursor C] [--json] [--workspace ID]`: the breach
 * register for operators, most recent awareness first, a page at a time, with the 72-hour clock, approximate people
 * and risk. `--json` prints `{ items, nextCursor }`; the text form ends with the command for the next page. Reads
 * only; prints no personal data.
 *
 * @example
 * custodian incidents list --status all --limit 100
 */
export function registerIncidentsCommand(program: Command): void {
  const incidents = program.command('incidents').description('incident and breach register (Art. 33/34)');
  incidents
    .command('list')
    .description('incidents with their 72-hour clock, a page at a time')
    .option('--status <status>', `open (default), closed or all`, 'open')
    .option('--limit <n>', 'at most this many (1-200)', '50')
    .option('--cursor <cursor>', 'continue after an earlier page (its nextCursor)')
    .option('--json', 'print JSON')
    .option('--workspace <id>', 'workspace id (default: the first workspace)')
    .action(
      async (options: {
        status: string;
        limit: string;
        cursor?: string;
        json?: boolean;
        workspace?: string;
      }) => {
        if (!(statuses as readonly string[]).includes(options.status))
          throw new AppError('BAD_REQUEST', { detail: `--status is one of ${statuses.join(', ')}` });
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 200)
          throw new AppError('BAD_REQUEST', { detail: '--limit is 1 to 200' });
        const ctx = await openCliContext();
        try {
          const workspaceId = await cliWorkspaceId(ctx, options.workspace);
          const page = await ctx.services.incidents.list(ctx.db.kysely, workspaceId, {
            status: options.status as (typeof statuses)[number],
            limit,
            ...(options.cursor !== undefined ? { cursor: options.cursor } : {}),
          });
          if (options.json) {
            console.log(JSON.stringify(page, null, 2));
            return;
          }
          if (page.items.length === 0) {
            console.log(`No ${options.status === 'all' ? '' : `${options.status} `}incidents.`);
            return;
          }
          console.log(
            ['REFERENCE', 'STATUS', 'AWARE AT', 'DEADLINE', 'CLOCK', 'PEOPLE', 'RISK', 'TITLE', 'ID'].join(
              '\t',
            ),
          );
          for (const i of page.items) {
            console.log(
              [
                i.reference,
                i.status,
                i.awareAt,
                i.clock.deadline,
                clockText(i),
                i.effective.people ?? '-',
                i.assessment.level ?? 'not assessed',
                i.title,
                i.id,
              ].join('\t'),
            );
          }
          if (page.nextCursor) {
            const same = [
              `--status ${options.status}`,
              `--limit ${limit}`,
              ...(options.workspace ? [`--workspace ${options.workspace}`] : []),
            ].join(' ');
            console.log(`More: custodian incidents list ${same} --cursor ${page.nextCursor}`);
          }
        } finally {
          await ctx.close();
        }
      },
    );
}
