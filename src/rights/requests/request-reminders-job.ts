import type { Db } from '../../db/database.ts';
import type { Job } from '../../jobs/scheduler.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Mailer } from '../../mail/mailer.ts';
import type { RequestInbox } from './request-service.ts';
import { finalRequestStatuses } from './request-types.ts';

const dayMs = 86_400_000;

/** The reminders, most urgent last: each is sent once per deadline. */
const reminderKinds = [
  { kind: 'due_7d', before: 7 * dayMs, label: 'due in 7 days or less' },
  { kind: 'due_2d', before: 2 * dayMs, label: 'due in 2 days or less' },
  { kind: 'overdue', before: 0, label: 'overdue' },
] as const;

/**
 * Which reminder a request should get now, or null: the most urgent one whose moment has come and that was not sent
 * for this deadline. Sending it also counts as sending the less urgent ones (nobody wants "7 days left" after
 * "overdue").
 *
 * @example
 * reminderDue('2026-04-02T23:59:59.999Z', new Date('2026-03-31T12:00:00Z'), new Set()) // 'due_2d'
 */
export function reminderDue(
  dueAt: string,
  now: Date,
  sent: ReadonlySet<string>,
): (typeof reminderKinds)[number] | null {
  const left = new Date(dueAt).getTime() - now.getTime();
  for (let i = reminderKinds.length - 1; i >= 0; i -= 1) {
    const r = reminderKinds[i];
    if (!r) continue;
    const reached = r.kind === 'overdue' ? left < 0 : left <= r.before;
    if (reached) return sent.has(r.kind) ? null : r;
  }
  return null;
}

/**
 * Emails the assignee of each open request (else the workspace's privacy officers) 7 days and 2 days before its
 * deadline and once it is overdue, each once per deadline (an extension starts a new round); records what it sent in
 * `request_reminders_sent` and on the request's timeline. The mail names the reference, type and date only.
 * Runs hourly by default, leased by the scheduler so that one process sends.
 *
 * @example
 * platformJobs: (deps) => requestRemindersJob({ db: deps.db, clock: deps.clock, mailer: deps.services.mailer, requests: deps.services.requests, publicUrl: deps.config.publicUrl })
 */
export function requestRemindersJob(
  deps: { db: Db; clock: Clock; mailer: Mailer; requests: RequestInbox; publicUrl: string },
  intervalMs = 3_600_000,
): Job {
  return {
    name: 'requests.reminders',
    intervalMs,
    run: async () => {
      const db = deps.db.kysely;
      const now = deps.clock.now();
      const horizon = new Date(now.getTime() + 7 * dayMs).toISOString();
      const open = await db
        .selectFrom('requests')
        .select(['id', 'workspace_id', 'reference', 'type', 'due_at', 'assignee_id'])
        .where('status', 'not in', [...finalRequestStatuses])
        .where('due_at', '<=', horizon)
        .orderBy('workspace_id')
        .orderBy('due_at')
        .execute();
      if (open.length === 0) return;
      const sentRows = await db
        .selectFrom('request_reminders_sent')
        .select(['request_id', 'kind', 'due_at'])
        .where(
          'request_id',
          'in',
          open.map((r) => r.id),
        )
        .execute();
      const sent = new Map<string, Set<string>>();
      for (const s of sentRows) {
        const key = `${s.request_id}|${s.due_at}`;
        sent.set(key, (sent.get(key) ?? new Set()).add(s.kind));
      }
      const officersOf = new Map<string, string[]>();
      for (const r of open) {
        const reminder = reminderDue(r.due_at, now, sent.get(`${r.id}|${r.due_at}`) ?? new Set());
        if (!reminder) continue;
        let recipients: string[] = [];
        if (r.assignee_id) {
          const user = await db
            .selectFrom('users')
            .select('email')
            .where('workspace_id', '=', r.workspace_id)
            .where('id', '=', r.assignee_id)
            .where('disabled', '=', 0)
            .executeTakeFirst();
          if (user) recipients = [user.email];
        }
        if (recipients.length === 0) {
          let officers = officersOf.get(r.workspace_id);
          if (!officers) {
            const rows = await db
              .selectFrom('users')
              .innerJoin('roles', 'roles.id', 'users.role_id')
              .select('users.email')
              .where('users.workspace_id', '=', r.workspace_id)
              .where('roles.key', '=', 'privacy_officer')
              .where('users.disabled', '=', 0)
              .execute();
            officers = rows.map((o) => o.email);
            officersOf.set(r.workspace_id, officers);
          }
          recipients = officers;
        }
        const due = r.due_at.slice(0, 10);
        for (const to of recipients) {
          await deps.mailer.send({
            to,
            subject: `Request ${r.reference} is ${reminder.label}`,
            text:
              `The ${r.type} request ${r.reference} is ${reminder.label}: the answer is due by ${due} (Art. 12(3)).\n\n` +
              `Open it in Custodian: ${deps.publicUrl}/requests/${r.id}\n`,
          });
        }
        const at = now.toISOString();
        // The reminder and the less urgent ones it makes pointless, recorded together with the timeline step.
        const upTo = reminderKinds.slice(0, reminderKinds.findIndex((k) => k.kind === reminder.kind) + 1);
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('request_reminders_sent')
            .values(
              upTo.map((k) => ({
                workspace_id: r.workspace_id,
                request_id: r.id,
                kind: k.kind,
                due_at: r.due_at,
                sent_at: at,
              })),
            )
            .onConflict((oc) => oc.columns(['request_id', 'kind', 'due_at']).doNothing())
            .execute();
          await deps.requests.recordStep(
            trx,
            { workspaceId: r.workspace_id, actor: { type: 'system', id: 'requests.reminders' } },
            r.id,
            {
              kind: 'reminder',
              summary: `Reminder sent (${reminder.label}) to ${recipients.length} recipient(s)`,
            },
          );
        });
      }
    },
  };
}
