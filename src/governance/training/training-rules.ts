import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { ActorContext } from '../../kernel/gate/processing-context.ts';
import { isUniqueViolation } from '../../kernel/purposes/unique-violation.ts';
import { syncTrainingAssignments } from './sync-training-assignments.ts';

/** "Users of this role complete this module within `dueDays` of being assigned." */
export interface TrainingRule {
  readonly id: string;
  readonly moduleId: string;
  readonly moduleTitle: string;
  readonly roleKey: string;
  readonly roleName: string;
  readonly dueDays: number;
  readonly createdAt: string;
}

/** How the due date is given: a number of days, or a calendar date in the future (turned into days). */
export type TrainingRuleInput =
  { readonly moduleId: string; readonly roleKey: string } & ({ readonly dueInDays: number } | { readonly dueDate: string });

export interface TrainingRuleDeps {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  readonly clock: Clock;
}

const dayMs = 86_400_000;

function dueDaysOf(input: TrainingRuleInput, now: Date): number {
  if ('dueInDays' in input) {
    if (!Number.isInteger(input.dueInDays) || input.dueInDays < 1 || input.dueInDays > 730) {
      throw new AppError('VALIDATION_FAILED', { detail: 'dueInDays is a whole number from 1 to 730', errors: [{ path: '/dueInDays', message: 'out of range' }] });
    }
    return input.dueInDays;
  }
  const due = /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/.test(input.dueDate) ? new Date(input.dueDate) : new Date(NaN);
  if (Number.isNaN(due.getTime()) || due.toISOString().slice(0, 10) !== input.dueDate.slice(0, 10)) {
    throw new AppError('VALIDATION_FAILED', { detail: 'dueDate is not a valid date (YYYY-MM-DD)', errors: [{ path: '/dueDate', message: 'invalid' }] });
  }
  const days = Math.ceil((due.getTime() - now.getTime()) / dayMs);
  if (days < 1) {
    throw new AppError('VALIDATION_FAILED', { detail: 'dueDate is not in the future', errors: [{ path: '/dueDate', message: 'in the past' }] });
  }
  if (days > 730) {
    throw new AppError('VALIDATION_FAILED', { detail: 'dueDate is more than two years away', errors: [{ path: '/dueDate', message: 'too far' }] });
  }
  return days;
}

/** Every rule of the workspace with its module and role names. */
export async function listTrainingRules(db: Kysely<Database>, workspaceId: string): Promise<TrainingRule[]> {
  const rows = await db
    .selectFrom('training_rules as r')
    .innerJoin('training_modules as m', (j) => j.onRef('m.id', '=', 'r.module_id').onRef('m.workspace_id', '=', 'r.workspace_id'))
    .innerJoin('roles as ro', (j) => j.onRef('ro.id', '=', 'r.role_id').onRef('ro.workspace_id', '=', 'r.workspace_id'))
    .select(['r.id', 'r.module_id', 'm.title', 'ro.key', 'ro.name', 'r.due_days', 'r.created_at'])
    .where('r.workspace_id', '=', workspaceId)
    .orderBy('m.title')
    .orderBy('ro.key')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    moduleId: r.module_id,
    moduleTitle: r.title,
    roleKey: r.key,
    roleName: r.name,
    dueDays: r.due_days,
    createdAt: r.created_at,
  }));
}

/**
 * Assigns a module to a role: every current user of the role gets an assignment due in `dueDays`, and so will
 * users who join the role later (the training job and each user's own training list catch them up). Refuses an
 * unknown module or role (422), a due date in the past or invalid (400), and a second rule for the same pair (409).
 *
 * @example
 * await createTrainingRule(deps, ctx, { moduleId, roleKey: 'sales', dueInDays: 14 });
 */
export async function createTrainingRule(deps: TrainingRuleDeps, ctx: ActorContext, input: TrainingRuleInput): Promise<{ rule: TrainingRule; assigned: number }> {
  const now = deps.clock.now();
  const dueDays = dueDaysOf(input, now);
  const id = randomUUID();
  let assigned = 0;
  try {
    await deps.db.transaction().execute(async (trx) => {
      const module = await trx.selectFrom('training_modules').select(['id', 'active']).where('workspace_id', '=', ctx.workspaceId).where('id', '=', input.moduleId).executeTakeFirst();
      if (!module) throw new AppError('UNPROCESSABLE', { detail: 'No training module with this id', errors: [{ path: '/moduleId', message: 'unknown' }] });
      const role = await trx.selectFrom('roles').select('id').where('workspace_id', '=', ctx.workspaceId).where('key', '=', input.roleKey).executeTakeFirst();
      if (!role) throw new AppError('UNPROCESSABLE', { detail: 'No role with this key', errors: [{ path: '/roleKey', message: 'unknown' }] });
      await trx
        .insertInto('training_rules')
        .values({ id, workspace_id: ctx.workspaceId, module_id: module.id, role_id: role.id, due_days: dueDays, created_at: now.toISOString() })
        .execute();
      assigned = await syncTrainingAssignments({ db: trx, clock: deps.clock }, ctx.workspaceId, { ruleId: id });
      await appendAudit(trx, deps, {
        workspaceId: ctx.workspaceId,
        actor: ctx.actor,
        action: 'training.rule.create',
        outcome: 'allowed',
        resourceType: 'training_rule',
        resourceId: id,
        requestId: ctx.requestId ?? null,
        ip: ctx.ip ?? null,
        details: { moduleId: module.id, role: input.roleKey, dueDays, assigned },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('ALREADY_EXISTS', { detail: 'This module is already assigned to this role' });
    throw error;
  }
  const rule = (await listTrainingRules(deps.db, ctx.workspaceId)).find((r) => r.id === id);
  if (!rule) throw new AppError('NOT_FOUND', { resource: 'training_rule' });
  return { rule, assigned };
}

/**
 * Removes a rule: no new assignments follow from it. Assignments already made stay, with their history (they no
 * longer count for the training gate).
 *
 * @example
 * await deleteTrainingRule(deps, ctx, ruleId);
 */
export async function deleteTrainingRule(deps: TrainingRuleDeps, ctx: ActorContext, id: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const deleted = await trx.deleteFrom('training_rules').where('workspace_id', '=', ctx.workspaceId).where('id', '=', id).executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) throw new AppError('NOT_FOUND', { resource: 'training_rule' });
    await trx.updateTable('training_assignments').set({ rule_id: null }).where('workspace_id', '=', ctx.workspaceId).where('rule_id', '=', id).execute();
    await appendAudit(trx, deps, {
      workspaceId: ctx.workspaceId,
      actor: ctx.actor,
      action: 'training.rule.delete',
      outcome: 'allowed',
      resourceType: 'training_rule',
      resourceId: id,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
    });
  });
}
