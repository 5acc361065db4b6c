import type { Command } from 'commander';
import { AppError } from '../errors.ts';
import {
  identityMethods,
  requestChannels,
  requestStatuses,
  requestTypes,
  type IdentityMethod,
  type RequestChannel,
  type RequestType,
  type RequestView,
} from '../rights/requests/request-types.ts';
import { openCliContext, type CliContext } from './cli-context.ts';

const dayMs = 86_400_000;

async function workspaceOf(ctx: CliContext, id: string | undefined): Promise<string> {
  const workspace = id
    ? await ctx.db.kysely.selectFrom('workspaces').select('id').where('id', '=', id).executeTakeFirst()
    : await ctx.db.kysely
        .selectFrom('workspaces')
        .select('id')
        .orderBy('created_at')
        .orderBy('id')
        .executeTakeFirst();
  if (!workspace) throw new AppError('NOT_FOUND', { detail: 'There is no such workspace' });
  return workspace.id;
}

function daysLeft(r: RequestView, now: Date): string {
  if (r.sla === 'closed') return '-';
  return String(Math.floor((new Date(r.dueAt).getTime() - now.getTime()) / dayMs));
}

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

/**
 * `custodian requests list [--status S] [--overdue] [--json]`, `custodian requests show ID` and
 * `custodian requests log --type T --channel C [--email E] [--identity-method M]`: the request inbox for operators, in
 * the first workspace unless `--workspace` names one. Writes are audited with the actor `system:cli`. The list shows
 * references, types, statuses and deadlines only; `show` prints no requester contact.
 */
export function registerRequestsCommand(program: Command): void {
  const requests = program
    .command('requests')
    .description('data subject requests: list, show, log one received by phone or letter');

  requests
    .command('list')
    .description('open and closed requests, earliest deadline first')
    .option('--status <status>', `only this status (${requestStatuses.join(', ')})`)
    .option('--overdue', 'only open requests past their deadline')
    .option('--limit <n>', 'at most this many (1-200)', '50')
    .option('--json', 'print JSON')
    .option('--workspace <id>', 'workspace id (default: the first workspace)')
    .action(
      async (options: {
        status?: string;
        overdue?: boolean;
        limit: string;
        json?: boolean;
        workspace?: string;
      }) => {
        const status = oneOf(requestStatuses, options.status, '--status');
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 200)
          throw new AppError('BAD_REQUEST', { detail: '--limit is 1 to 200' });
        const ctx = await openCliContext();
        try {
          const workspaceId = await workspaceOf(ctx, options.workspace);
          const page = await ctx.services.requests.list(ctx.db.kysely, workspaceId, {
            status,
            sla: options.overdue ? 'overdue' : undefined,
            limit,
          });
          if (options.json) {
            console.log(JSON.stringify(page.items, null, 2));
            return;
          }
          if (page.items.length === 0) {
            console.log('No requests.');
            return;
          }
          const now = ctx.clock.now();
          console.log(['REFERENCE', 'TYPE', 'STATUS', 'CHANNEL', 'DUE', 'DAYS LEFT', 'SLA', 'ID'].join('\t'));
          for (const r of page.items) {
            console.log(
              [
                r.reference,
                r.type,
                r.status,
                r.channel,
                r.dueAt.slice(0, 10),
                daysLeft(r, now),
                r.sla,
                r.id,
              ].join('\t'),
            );
          }
          if (page.nextCursor) console.log(`(more than ${limit}: narrow with --status or raise --limit)`);
        } finally {
          await ctx.close();
        }
      },
    );

  requests
    .command('show')
    .description('one request and its timeline (no requester contact is printed)')
    .argument('<id>', 'request id')
    .option('--json', 'print JSON')
    .option('--workspace <id>', 'workspace id (default: the first workspace)')
    .action(async (id: string, options: { json?: boolean; workspace?: string }) => {
      const ctx = await openCliContext();
      try {
        const workspaceId = await workspaceOf(ctx, options.workspace);
        const actor = { workspaceId, actor: { type: 'system' as const, id: 'cli' } };
        const r = await ctx.services.requests.open(ctx.db.kysely, actor, id);
        const steps = await ctx.services.requests.timeline(ctx.db.kysely, workspaceId, id);
        const visible = steps.map((s) => ({
          ...s,
          summary: s.personal ? '[personal note: read it in the console]' : s.summary,
        }));
        if (options.json) {
          console.log(JSON.stringify({ request: r, timeline: visible }, null, 2));
          return;
        }
        const rows: [string, string | null][] = [
          ['Reference', r.reference],
          ['Type', r.type],
          ['Status', r.status],
          ['Channel', r.channel],
          ['Received', r.receivedAt],
          ['Due', `${r.dueAt} (${r.sla}, ${daysLeft(r, ctx.clock.now())} days left)`],
          ['Extended until', r.extendedUntil],
          ['Identity', r.identityMethod ? `${r.identityMethod} at ${r.identityVerifiedAt}` : 'not verified'],
          ['Person', r.personId ?? 'not matched'],
          ['Assignee', r.assigneeId ?? 'nobody'],
          ['Refusal reason', r.refusalReason],
        ];
        for (const [k, v] of rows) if (v !== null) console.log(`${k.padEnd(15)} ${v}`);
        console.log('\nTimeline:');
        for (const s of visible) console.log(`  ${s.at}  ${s.kind.padEnd(16)} ${s.summary}`);
      } finally {
        await ctx.close();
      }
    });

  requests
    .command('log')
    .description('log a request received by phone, letter, email or in person')
    .requiredOption('--type <type>', requestTypes.join(', '))
    .requiredOption('--channel <channel>', 'phone, letter, email, in_person or api')
    .option('--email <email>', "the requester's email (matched to the people held)")
    .option(
      '--identity-method <method>',
      `how identity was checked (${identityMethods.join(', ')}); given, the request starts verified`,
    )
    .option('--language <tag>', 'language to answer in', 'en')
    .option('--received-at <date>', 'when the letter or call arrived (ISO 8601; default now)')
    .option('--workspace <id>', 'workspace id (default: the first workspace)')
    .action(
      async (options: {
        type: string;
        channel: string;
        email?: string;
        identityMethod?: string;
        language: string;
        receivedAt?: string;
        workspace?: string;
      }) => {
        const type = oneOf(requestTypes, options.type, '--type') as RequestType;
        const channel = oneOf(requestChannels, options.channel, '--channel') as RequestChannel;
        if (channel === 'portal')
          throw new AppError('BAD_REQUEST', { detail: 'portal requests come through the portal' });
        const identityMethod = oneOf(identityMethods, options.identityMethod, '--identity-method') as
          IdentityMethod | undefined;
        const ctx = await openCliContext();
        try {
          const workspaceId = await workspaceOf(ctx, options.workspace);
          const actor = { workspaceId, actor: { type: 'system' as const, id: 'cli' } };
          const r = await ctx.db.kysely.transaction().execute((trx) =>
            ctx.services.requests.logFromStaff(trx, actor, {
              type,
              channel,
              email: options.email,
              identityMethod,
              language: options.language,
              receivedAt: options.receivedAt,
            }),
          );
          console.log(
            `Logged ${r.reference} (${r.type}, ${r.status}), due ${r.dueAt.slice(0, 10)}. Id ${r.id}`,
          );
        } finally {
          await ctx.close();
        }
      },
    );
}
