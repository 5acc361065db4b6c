import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import { addIsoDuration } from './add-iso-duration.ts';

const dayMs = 86_400_000;

/**
 * Brings assignments in line with the rules: a user of a rule's role without a current assignment of its module gets
 * one due in the rule's days (new users, users who changed role, new rules), and a completed assignment whose
 * module's refresher interval has run out is renewed (the old row is marked `refreshed_at`, the new one remembers the
 * prior completion). Disabled users and inactive modules are skipped. Returns how many assignments it made.
 * Idempotent: run it as often as needed (the training job, a user's own list, a new rule).
 *
 * @example
 * const made = await syncTrainingAssignments({ db, clock }, workspaceId, { userId });
 */
export async function syncTrainingAssignments(
  deps: { db: Kysely<Database>; clock: Clock },
  workspaceId: string,
  scope: { userId?: string; ruleId?: string } = {},
): Promise<number> {
  const { db, clock } = deps;
  const now = clock.now();
  let query = db
    .selectFrom('training_rules as r')
    .innerJoin('training_modules as m', (j) => j.onRef('m.id', '=', 'r.module_id').onRef('m.workspace_id', '=', 'r.workspace_id'))
    .innerJoin('users as u', (j) => j.onRef('u.role_id', '=', 'r.role_id').onRef('u.workspace_id', '=', 'r.workspace_id'))
    .leftJoin('training_assignments as a', (j) =>
      j
        .onRef('a.workspace_id', '=', 'r.workspace_id')
        .onRef('a.user_id', '=', 'u.id')
        .onRef('a.module_id', '=', 'r.module_id')
        .on('a.refreshed_at', 'is', null),
    )
    .select(['r.id as rule_id', 'r.module_id', 'r.due_days', 'm.refresher_interval', 'u.id as user_id', 'a.id as assignment_id', 'a.completed_at'])
    .where('r.workspace_id', '=', workspaceId)
    .where('m.active', '=', 1)
    .where('u.disabled', '=', 0);
  if (scope.userId) query = query.where('u.id', '=', scope.userId);
  if (scope.ruleId) query = query.where('r.id', '=', scope.ruleId);
  const rows = await query.execute();
  let made = 0;
  const nowIso = now.toISOString();
  for (const row of rows) {
    let prior: string | null = null;
    if (row.assignment_id) {
      if (!row.completed_at || !row.refresher_interval) continue;
      if (addIsoDuration(new Date(row.completed_at), row.refresher_interval) > now) continue;
      const marked = await db
        .updateTable('training_assignments')
        .set({ refreshed_at: nowIso })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', row.assignment_id)
        .where('refreshed_at', 'is', null)
        .executeTakeFirst();
      // Another run renewed it first.
      if (Number(marked.numUpdatedRows) === 0) continue;
      prior = row.completed_at;
    }
    const inserted = await db
      .insertInto('training_assignments')
      .values({
        id: randomUUID(),
        workspace_id: workspaceId,
        module_id: row.module_id,
        user_id: row.user_id,
        rule_id: row.rule_id,
        assigned_at: nowIso,
        due_at: new Date(now.getTime() + row.due_days * dayMs).toISOString(),
        completed_at: null,
        best_score: null,
        refreshed_at: null,
        prior_completed_at: prior,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    made += Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0 ? 1 : 0;
  }
  return made;
}
