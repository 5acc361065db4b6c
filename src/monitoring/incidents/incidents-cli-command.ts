import type { Command } from 'commander';
import { openCliContext } from '../../cli/cli-context.ts';
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
 * `custodian incidents list [--status open|closed|all] [--json] [--workspace ID]`: the breach register for operators,
 * most recent awareness first, with the 72-hour clock, approximate people and risk. Reads only; prints no personal data.
 *
 * @example
 * custodian incidents list --status all
 */
export function registerIncidentsCommand(program: Command): void {
  const incidents = program.command('incidents').description('incident and breach register (Art. 33/34)');
  incidents
    .command('list')
    .description('incidents with their 72-hour clock')
    .option('--status <status>', `open (default), closed or all`, 'open')
    .option('--json', 'print JSON')
    .option('--workspace <id>', 'workspace id (default: the first workspace)')
    .action(async (options: { status: string; json?: boolean; workspace?: string }) => {
      if (!(statuses as readonly string[]).includes(options.status))
        throw new AppError('BAD_REQUEST', { detail: `--status is one of ${statuses.join(', ')}` });
      const ctx = await openCliContext();
      try {
        const q = ctx.db.kysely.selectFrom('workspaces').select('id');
        const ws = await (
          options.workspace ? q.where('id', '=', options.workspace) : q.orderBy('created_at').orderBy('id')
        ).executeTakeFirst();
        if (!ws) throw new AppError('NOT_FOUND', { detail: 'There is no such workspace' });
        const items = await ctx.services.incidents.list(ctx.db.kysely, ws.id, {
          status: options.status as (typeof statuses)[number],
        });
        if (options.json) {
          console.log(JSON.stringify(items, null, 2));
          return;
        }
        if (items.length === 0) {
          console.log(`No ${options.status === 'all' ? '' : `${options.status} `}incidents.`);
          return;
        }
        console.log(
          ['REFERENCE', 'STATUS', 'AWARE AT', 'DEADLINE', 'CLOCK', 'PEOPLE', 'RISK', 'TITLE', 'ID'].join(
            '\t',
          ),
        );
        for (const i of items) {
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
      } finally {
        await ctx.close();
      }
    });
}
