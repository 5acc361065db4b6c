import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import type { TrainingModuleTable } from './training-tables.ts';
import { AppError } from '../../errors.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { ActorContext } from '../../kernel/gate/processing-context.ts';
import { isDateDuration } from './add-iso-duration.ts';
import { buildQuiz, type QuizQuestion, type QuizQuestionInput } from './quiz.ts';

/** A training module at its current version, with the answers (for managers). */
export interface TrainingModule {
  readonly id: string;
  readonly starterKey: string | null;
  readonly title: string;
  readonly content: string;
  readonly quiz: readonly QuizQuestion[];
  readonly passMark: number;
  readonly version: number;
  readonly refresherInterval: string | null;
  readonly active: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What an author writes. */
export interface TrainingModuleInput {
  readonly title: string;
  readonly content: string;
  readonly quiz: readonly QuizQuestionInput[];
  readonly passMark: number;
  readonly refresherInterval?: string | null;
  readonly active?: boolean;
}

export interface TrainingModuleDeps {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  readonly clock: Clock;
}

/** The row as the API shows it. */
export function moduleOf(row: TrainingModuleTable): TrainingModule {
  return {
    id: row.id,
    starterKey: row.starter_key,
    title: row.title,
    content: row.content,
    quiz: JSON.parse(row.quiz) as QuizQuestion[],
    passMark: row.pass_mark,
    version: row.version,
    refresherInterval: row.refresher_interval,
    active: row.active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function checkInput(input: Partial<TrainingModuleInput>): void {
  if (input.title !== undefined && input.title.trim() === '') {
    throw new AppError('VALIDATION_FAILED', { detail: 'The title is empty', errors: [{ path: '/title', message: 'empty' }] });
  }
  if (input.passMark !== undefined && !(Number.isInteger(input.passMark) && input.passMark >= 0 && input.passMark <= 100)) {
    throw new AppError('VALIDATION_FAILED', { detail: 'The pass mark is a whole percentage from 0 to 100', errors: [{ path: '/passMark', message: 'out of range' }] });
  }
  if (input.refresherInterval != null && !isDateDuration(input.refresherInterval)) {
    throw new AppError('VALIDATION_FAILED', {
      detail: 'The refresher interval is an ISO 8601 duration such as P12M',
      errors: [{ path: '/refresherInterval', message: 'not a duration' }],
    });
  }
}

async function snapshot(trx: Kysely<Database>, ctx: ActorContext, module: TrainingModule, at: string): Promise<void> {
  const { title, content, quiz, passMark, refresherInterval } = module;
  await trx
    .insertInto('training_module_versions')
    .values({
      workspace_id: ctx.workspaceId,
      module_id: module.id,
      version: module.version,
      snapshot: JSON.stringify({ title, content, quiz, passMark, refresherInterval }),
      actor_type: ctx.actor.type,
      actor_id: ctx.actor.id,
      changed_at: at,
    })
    .execute();
}

/**
 * Creates a module at version 1 (active unless `active: false`) with its version snapshot and one audit entry.
 * Refuses a quiz without a correct answer, an empty option, a pass mark outside 0–100 or a bad interval.
 *
 * @example
 * const m = await createTrainingModule(deps, ctx, { title: 'Breaches', content: '# …', quiz, passMark: 80, refresherInterval: 'P12M' });
 */
export async function createTrainingModule(
  deps: TrainingModuleDeps,
  ctx: ActorContext,
  input: TrainingModuleInput,
  starterKey: string | null = null,
): Promise<TrainingModule> {
  checkInput(input);
  const quiz = buildQuiz(input.quiz);
  const now = deps.clock.now().toISOString();
  const row: TrainingModuleTable = {
    id: randomUUID(),
    workspace_id: ctx.workspaceId,
    starter_key: starterKey,
    title: input.title.trim(),
    content: input.content,
    quiz: JSON.stringify(quiz),
    pass_mark: input.passMark,
    version: 1,
    refresher_interval: input.refresherInterval ?? null,
    active: input.active === false ? 0 : 1,
    created_at: now,
    updated_at: now,
  };
  const module = moduleOf(row);
  const write = async (trx: Kysely<Database>) => {
    await trx.insertInto('training_modules').values(row).execute();
    await snapshot(trx, ctx, module, now);
    await appendAudit(trx, deps, {
      workspaceId: ctx.workspaceId,
      actor: ctx.actor,
      action: 'training.module.create',
      outcome: 'allowed',
      resourceType: 'training_module',
      resourceId: row.id,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
      details: { version: 1, questions: quiz.length, ...(starterKey ? { starterKey } : {}) },
    });
  };
  if (deps.db.isTransaction) await write(deps.db);
  else await deps.db.transaction().execute(write);
  return module;
}

/** Every module of the workspace, by title. */
export async function listTrainingModules(db: Kysely<Database>, workspaceId: string): Promise<TrainingModule[]> {
  const rows = await db.selectFrom('training_modules').selectAll().where('workspace_id', '=', workspaceId).orderBy('title').orderBy('id').execute();
  return rows.map(moduleOf);
}

/** One module, or 404 `NOT_FOUND`. */
export async function getTrainingModuleOrThrow(db: Kysely<Database>, workspaceId: string, id: string): Promise<TrainingModule> {
  const row = await db.selectFrom('training_modules').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', { resource: 'training_module' });
  return moduleOf(row);
}

/**
 * Changes a module under optimistic concurrency (`expected` is the version read). Every change makes a new version;
 * earlier attempts keep the version they answered, and open assignments stay open.
 *
 * @example
 * const m2 = await updateTrainingModule(deps, ctx, id, 1, { passMark: 90 });
 */
export async function updateTrainingModule(
  deps: TrainingModuleDeps,
  ctx: ActorContext,
  id: string,
  expected: number,
  patch: Partial<TrainingModuleInput>,
): Promise<TrainingModule> {
  checkInput(patch);
  const quiz = patch.quiz ? buildQuiz(patch.quiz) : undefined;
  return deps.db.transaction().execute(async (trx) => {
    const row = await forUpdate(
      trx.selectFrom('training_modules').selectAll().where('workspace_id', '=', ctx.workspaceId).where('id', '=', id),
      deps.dialect,
    ).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', { resource: 'training_module' });
    if (row.version !== expected) throw new AppError('PRECONDITION_FAILED', { detail: 'The module changed since you read it' });
    const now = deps.clock.now().toISOString();
    const next: TrainingModuleTable = {
      ...row,
      title: patch.title?.trim() ?? row.title,
      content: patch.content ?? row.content,
      quiz: quiz ? JSON.stringify(quiz) : row.quiz,
      pass_mark: patch.passMark ?? row.pass_mark,
      refresher_interval: patch.refresherInterval === undefined ? row.refresher_interval : patch.refresherInterval,
      active: patch.active === undefined ? row.active : patch.active ? 1 : 0,
      version: row.version + 1,
      updated_at: now,
    };
    await trx
      .updateTable('training_modules')
      .set({
        title: next.title,
        content: next.content,
        quiz: next.quiz,
        pass_mark: next.pass_mark,
        refresher_interval: next.refresher_interval,
        active: next.active,
        version: next.version,
        updated_at: now,
      })
      .where('workspace_id', '=', ctx.workspaceId)
      .where('id', '=', id)
      .execute();
    const module = moduleOf(next);
    await snapshot(trx, ctx, module, now);
    await appendAudit(trx, deps, {
      workspaceId: ctx.workspaceId,
      actor: ctx.actor,
      action: 'training.module.update',
      outcome: 'allowed',
      resourceType: 'training_module',
      resourceId: id,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
      details: { version: next.version, fields: Object.keys(patch) },
    });
    return module;
  });
}
