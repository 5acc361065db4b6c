import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Mailer } from '../../mail/mailer.ts';

/** How close a due date must be for a reminder before it. */
export const reminderLeadDays = 3;

const dayMs = 86_400_000;

export interface ReminderDeps {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  readonly clock: Clock;
  readonly mailer: Mailer;
}

interface Pending {
  email: string;
  lines: string[];
}

/**
 * Emails each user of the workspace who has training due within three days, overdue training, or bulletins not yet
 * acknowledged: one message a day at most (the day is claimed in `training_reminders` before sending, so two
 * processes never both send). The audit entry counts the messages; it names no one.
 *
 * @example
 * const sent = await sendTrainingReminders({ db, dialect, clock, mailer }, workspaceId);
 */
export async function sendTrainingReminders(deps: ReminderDeps, workspaceId: string): Promise<number> {
  const { db, clock } = deps;
  const now = clock.now();
  const today = now.toISOString().slice(0, 10);
  const soon = new Date(now.getTime() + reminderLeadDays * dayMs).toISOString();
  const pending = new Map<string, Pending>();
  const add = (userId: string, email: string, line: string) => {
    const p = pending.get(userId) ?? { email, lines: [] };
    p.lines.push(line);
    pending.set(userId, p);
  };

  const training = await db
    .selectFrom('training_assignments as a')
    .innerJoin('users as u', (j) => j.onRef('u.id', '=', 'a.user_id').onRef('u.workspace_id', '=', 'a.workspace_id'))
    .innerJoin('training_modules as m', (j) => j.onRef('m.id', '=', 'a.module_id').onRef('m.workspace_id', '=', 'a.workspace_id'))
    .select(['u.id', 'u.email', 'm.title', 'a.due_at'])
    .where('a.workspace_id', '=', workspaceId)
    .where('a.refreshed_at', 'is', null)
    .where('a.completed_at', 'is', null)
    .where('a.due_at', '<=', soon)
    .where('m.active', '=', 1)
    .where('u.disabled', '=', 0)
    .orderBy('a.due_at')
    .execute();
  for (const t of training) {
    const overdue = t.due_at < now.toISOString();
    add(t.id, t.email, `- Training "${t.title}": ${overdue ? 'overdue since' : 'due'} ${t.due_at.slice(0, 10)}`);
  }

  const bulletins = await db.selectFrom('bulletins').select(['id', 'title', 'role_ids']).where('workspace_id', '=', workspaceId).execute();
  if (bulletins.length > 0) {
    const users = await db.selectFrom('users').select(['id', 'email', 'role_id']).where('workspace_id', '=', workspaceId).where('disabled', '=', 0).execute();
    const acks = await db.selectFrom('bulletin_acknowledgements').select(['bulletin_id', 'user_id']).where('workspace_id', '=', workspaceId).execute();
    const acked = new Set(acks.map((a) => `${a.bulletin_id}|${a.user_id}`));
    for (const b of bulletins) {
      const roles = new Set(JSON.parse(b.role_ids) as string[]);
      for (const u of users) {
        if (roles.has(u.role_id) && !acked.has(`${b.id}|${u.id}`)) add(u.id, u.email, `- Bulletin to read and acknowledge: "${b.title}"`);
      }
    }
  }

  let sent = 0;
  for (const [userId, p] of pending) {
    const claimed = await db
      .insertInto('training_reminders')
      .values({ workspace_id: workspaceId, user_id: userId, sent_on: today })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(claimed.numInsertedOrUpdatedRows ?? 0n) === 0) continue;
    await deps.mailer.send({
      to: p.email,
      subject: 'Your training and bulletins',
      text: `Hello,\n\nThese are waiting for you in Custodian (My training):\n\n${p.lines.join('\n')}\n\nThis reminder is sent at most once a day.\n`,
    });
    sent += 1;
  }
  if (sent > 0) {
    await db.transaction().execute((trx) =>
      appendAudit(trx, deps, {
        workspaceId,
        actor: { type: 'system', id: 'training-reminders' },
        action: 'training.reminders.send',
        outcome: 'allowed',
        resourceType: 'training',
        details: { count: sent },
      }),
    );
  }
  return sent;
}
