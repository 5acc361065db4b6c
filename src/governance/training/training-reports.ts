import type { Kysely } from 'kysely';
import { stringify } from 'csv-stringify/sync';
import type { Database } from '../../db/schema.ts';
import { assignmentStatus, type AssignmentStatus } from './my-training.ts';

/** One person's current assignment of one module, for the completion report. */
export interface PersonTrainingRow {
  readonly userId: string;
  readonly name: string;
  readonly email: string;
  readonly roleKey: string;
  readonly moduleId: string;
  readonly moduleTitle: string;
  readonly status: AssignmentStatus;
  readonly assignedAt: string;
  readonly dueAt: string;
  readonly completedAt: string | null;
  readonly bestScore: number | null;
  readonly attempts: number;
}

/** Completion of one module by the users of one role. */
export interface CompletionRow {
  readonly moduleId: string;
  readonly moduleTitle: string;
  readonly roleKey: string;
  readonly assigned: number;
  readonly completed: number;
  readonly overdue: number;
  /** Completed / assigned in percent, rounded down (0 when none assigned). */
  readonly completionRate: number;
}

/**
 * Every current assignment with the person, their role, status, best score and number of attempts, by person then
 * module. `overdueOnly` keeps the overdue ones.
 *
 * @example
 * const rows = await trainingPeopleReport(db, workspaceId, new Date(), { overdueOnly: true });
 */
export async function trainingPeopleReport(
  db: Kysely<Database>,
  workspaceId: string,
  now: Date,
  options: { overdueOnly?: boolean } = {},
): Promise<PersonTrainingRow[]> {
  let query = db
    .selectFrom('training_assignments as a')
    .innerJoin('users as u', (j) => j.onRef('u.id', '=', 'a.user_id').onRef('u.workspace_id', '=', 'a.workspace_id'))
    .innerJoin('roles as r', (j) => j.onRef('r.id', '=', 'u.role_id').onRef('r.workspace_id', '=', 'u.workspace_id'))
    .innerJoin('training_modules as m', (j) => j.onRef('m.id', '=', 'a.module_id').onRef('m.workspace_id', '=', 'a.workspace_id'))
    .select((eb) => [
      'u.id as user_id',
      'u.name',
      'u.email',
      'r.key as role_key',
      'm.id as module_id',
      'm.title',
      'a.assigned_at',
      'a.due_at',
      'a.completed_at',
      'a.best_score',
      eb
        .selectFrom('training_attempts as t')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('t.assignment_id', '=', 'a.id')
        .whereRef('t.workspace_id', '=', 'a.workspace_id')
        .as('attempts'),
    ])
    .where('a.workspace_id', '=', workspaceId)
    .where('a.refreshed_at', 'is', null)
    .where('u.disabled', '=', 0);
  if (options.overdueOnly) query = query.where('a.completed_at', 'is', null).where('a.due_at', '<', now.toISOString());
  const rows = await query.orderBy('u.name').orderBy('u.id').orderBy('m.title').execute();
  return rows.map((r) => ({
    userId: r.user_id,
    name: r.name,
    email: r.email,
    roleKey: r.role_key,
    moduleId: r.module_id,
    moduleTitle: r.title,
    status: assignmentStatus(r, now),
    assignedAt: r.assigned_at,
    dueAt: r.due_at,
    completedAt: r.completed_at,
    bestScore: r.best_score,
    attempts: Number(r.attempts ?? 0),
  }));
}

/**
 * Completion per module and role, from the current assignments.
 *
 * @example
 * const rows = await trainingCompletionReport(db, workspaceId, new Date());
 */
export async function trainingCompletionReport(db: Kysely<Database>, workspaceId: string, now: Date): Promise<CompletionRow[]> {
  const people = await trainingPeopleReport(db, workspaceId, now);
  const groups = new Map<string, { moduleId: string; moduleTitle: string; roleKey: string; assigned: number; completed: number; overdue: number }>();
  for (const p of people) {
    const key = `${p.moduleId}|${p.roleKey}`;
    const g = groups.get(key) ?? { moduleId: p.moduleId, moduleTitle: p.moduleTitle, roleKey: p.roleKey, assigned: 0, completed: 0, overdue: 0 };
    g.assigned += 1;
    if (p.status === 'completed') g.completed += 1;
    if (p.status === 'overdue') g.overdue += 1;
    groups.set(key, g);
  }
  return [...groups.values()]
    .map((g) => ({ ...g, completionRate: g.assigned === 0 ? 0 : Math.floor((g.completed * 100) / g.assigned) }))
    .sort((a, b) => a.moduleTitle.localeCompare(b.moduleTitle) || a.roleKey.localeCompare(b.roleKey));
}

const csvColumns = ['name', 'email', 'role', 'module', 'status', 'assigned_at', 'due_at', 'completed_at', 'best_score', 'attempts'];

/**
 * The per-person report as CSV (RFC 4180, header row). Cells starting with `=`, `+`, `-` or `@` are prefixed with
 * `'` so a spreadsheet does not run them as formulas.
 *
 * @example
 * reply.type('text/csv').send(trainingReportCsv(rows));
 */
export function trainingReportCsv(rows: readonly PersonTrainingRow[]): string {
  const safe = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
  return stringify(
    rows.map((r) => [
      safe(r.name),
      safe(r.email),
      r.roleKey,
      safe(r.moduleTitle),
      r.status,
      r.assignedAt,
      r.dueAt,
      r.completedAt ?? '',
      r.bestScore === null ? '' : String(r.bestScore),
      String(r.attempts),
    ]),
    { header: true, columns: csvColumns },
  );
}
