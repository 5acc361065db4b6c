import type { Db } from '../../db/database.ts';
import type { Job } from '../../jobs/scheduler.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { todayOf } from './calendar-date.ts';
import { listDueItems } from './due-items.ts';
import type { GovernanceArea } from './governance-area.ts';

/**
 * Emails the privacy officers of each workspace the governance items due within 30 days or overdue (agreements
 * expiring, reviews, objection windows, transfer flags, DPIAs to review), each item once per due date; runs hourly
 * by default and records what it sent in `governance_reminders_sent`.
 *
 * @example
 * platformJobs: (deps) => governanceRemindersJob({ db: deps.db, clock: deps.clock, mailer: deps.services.mailer, governance: deps.services.governance })
 */
export function governanceRemindersJob(
  deps: { db: Db; clock: Clock; mailer: Mailer; governance: GovernanceArea },
  intervalMs = 3_600_000,
): Job {
  return {
    name: 'governance.reminders',
    intervalMs,
    run: async () => {
      const db = deps.db.kysely;
      const now = deps.clock.now();
      const workspaces = await db.selectFrom('workspaces').select('id').execute();
      for (const { id: workspaceId } of workspaces) {
        const due = await listDueItems(deps.governance, db, workspaceId, now);
        if (due.length === 0) continue;
        const sent = await db
          .selectFrom('governance_reminders_sent')
          .select(['item_key', 'due_on'])
          .where('workspace_id', '=', workspaceId)
          .execute();
        const already = new Set(sent.map((s) => `${s.item_key}|${s.due_on}`));
        // Undated flags are reminded once per day they are still open.
        const fresh = due.filter((d) => !already.has(`${d.key}|${d.dueOn ?? todayOf(now)}`));
        if (fresh.length === 0) continue;
        const officers = await db
          .selectFrom('users')
          .innerJoin('roles', 'roles.id', 'users.role_id')
          .select('users.email')
          .where('users.workspace_id', '=', workspaceId)
          .where('roles.key', '=', 'privacy_officer')
          .where('users.disabled', '=', 0)
          .execute();
        const lines = fresh.map((d) => `- ${d.overdue ? '[overdue] ' : ''}${d.title}${d.dueOn ? ` (${d.dueOn})` : ''}`);
        for (const officer of officers) {
          await deps.mailer.send({
            to: officer.email,
            subject: `Governance: ${fresh.length} item(s) due`,
            text: `These governance items are due or overdue:\n\n${lines.join('\n')}\n\nOpen Governance in Custodian to act on them.\n`,
          });
        }
        const at = now.toISOString();
        await db
          .insertInto('governance_reminders_sent')
          .values(fresh.map((d) => ({ workspace_id: workspaceId, item_key: d.key, due_on: d.dueOn ?? todayOf(now), sent_at: at })))
          .onConflict((oc) => oc.columns(['workspace_id', 'item_key', 'due_on']).doNothing())
          .execute();
      }
    },
  };
}
