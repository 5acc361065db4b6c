import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { ActorContext } from '../../kernel/gate/processing-context.ts';
import { markQuiz, publicQuiz, type PublicQuizQuestion, type QuizAnswers, type QuizQuestion } from './quiz.ts';
import { renderMarkdown } from './render-markdown.ts';
import { syncTrainingAssignments } from './sync-training-assignments.ts';

/** `completed`: passed; `due`: open and not yet late; `overdue`: open past its due date. */
export type AssignmentStatus = 'completed' | 'due' | 'overdue';

/** One of the user's current assignments. */
export interface MyAssignment {
  readonly assignmentId: string;
  readonly moduleId: string;
  readonly title: string;
  readonly status: AssignmentStatus;
  readonly assignedAt: string;
  readonly dueAt: string;
  readonly completedAt: string | null;
  readonly bestScore: number | null;
  /** Whether this is a refresher of a module completed before. */
  readonly refresher: boolean;
}

/** A module as the learner reads it: sanitised HTML and a quiz without answers. */
export interface ModuleToTake {
  readonly moduleId: string;
  readonly title: string;
  readonly version: number;
  readonly contentHtml: string;
  readonly passMark: number;
  readonly quiz: PublicQuizQuestion[];
  readonly assignment: MyAssignment;
}

/** The outcome of one attempt. */
export interface AttemptResult {
  readonly attemptId: string;
  readonly moduleVersion: number;
  readonly score: number;
  readonly passed: boolean;
  readonly passMark: number;
  readonly correctQuestions: string[];
  readonly assignment: MyAssignment;
}

export interface MyTrainingDeps {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  readonly clock: Clock;
  /** Told when a user completes a module (the training gate forgets what it cached about them). */
  readonly onCompleted?: (workspaceId: string, userId: string) => void;
}

/** Status of an assignment at an instant. */
export function assignmentStatus(a: { completed_at: string | null; due_at: string }, now: Date): AssignmentStatus {
  if (a.completed_at) return 'completed';
  return a.due_at < now.toISOString() ? 'overdue' : 'due';
}

function assignmentQuery(db: Kysely<Database>, workspaceId: string, userId: string) {
  return db
    .selectFrom('training_assignments as a')
    .innerJoin('training_modules as m', (j) => j.onRef('m.id', '=', 'a.module_id').onRef('m.workspace_id', '=', 'a.workspace_id'))
    .select(['a.id', 'a.module_id', 'm.title', 'a.assigned_at', 'a.due_at', 'a.completed_at', 'a.best_score', 'a.prior_completed_at'])
    .where('a.workspace_id', '=', workspaceId)
    .where('a.user_id', '=', userId)
    .where('a.refreshed_at', 'is', null)
    .where('m.active', '=', 1);
}

type AssignmentRow = Awaited<ReturnType<ReturnType<typeof assignmentQuery>['execute']>>[number];

function viewOf(row: AssignmentRow, now: Date): MyAssignment {
  return {
    assignmentId: row.id,
    moduleId: row.module_id,
    title: row.title,
    status: assignmentStatus(row, now),
    assignedAt: row.assigned_at,
    dueAt: row.due_at,
    completedAt: row.completed_at,
    bestScore: row.best_score,
    refresher: row.prior_completed_at !== null,
  };
}

/**
 * The user's current assignments (catching up with rules first: a user who just joined a role sees its modules),
 * open ones first by due date.
 *
 * @example
 * const items = await listMyTraining(deps, workspaceId, userId);
 */
export async function listMyTraining(deps: MyTrainingDeps, workspaceId: string, userId: string): Promise<MyAssignment[]> {
  await syncTrainingAssignments(deps, workspaceId, { userId });
  const now = deps.clock.now();
  const rows = await assignmentQuery(deps.db, workspaceId, userId).orderBy('a.due_at').orderBy('a.id').execute();
  const items = rows.map((r) => viewOf(r, now));
  return [...items.filter((i) => i.status !== 'completed'), ...items.filter((i) => i.status === 'completed')];
}

async function currentAssignment(db: Kysely<Database>, workspaceId: string, userId: string, moduleId: string): Promise<AssignmentRow> {
  const row = await assignmentQuery(db, workspaceId, userId).where('a.module_id', '=', moduleId).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', { resource: 'training_assignment', detail: 'This module is not assigned to you' });
  return row;
}

/**
 * A module assigned to the user, to read and take: content rendered and sanitised, quiz without answers. 404 when the
 * module is not assigned to them.
 *
 * @example
 * const m = await getModuleToTake(deps, workspaceId, userId, moduleId);
 */
export async function getModuleToTake(deps: MyTrainingDeps, workspaceId: string, userId: string, moduleId: string): Promise<ModuleToTake> {
  const assignment = await currentAssignment(deps.db, workspaceId, userId, moduleId);
  const m = await deps.db.selectFrom('training_modules').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', moduleId).executeTakeFirstOrThrow();
  return {
    moduleId,
    title: m.title,
    version: m.version,
    contentHtml: renderMarkdown(m.content),
    passMark: m.pass_mark,
    quiz: publicQuiz(JSON.parse(m.quiz) as QuizQuestion[]),
    assignment: viewOf(assignment, deps.clock.now()),
  };
}

/**
 * Marks the user's answers to the module's current version and records the attempt. The first pass completes the
 * assignment (and unlocks the training gate at once). Refuses answers to another version (409 `CONFLICT`: the
 * module changed, read it again) and answers naming questions or options the quiz lacks (400); a module not
 * assigned to the user is 404. Nothing is stored when refused.
 *
 * @example
 * const r = await submitAttempt(deps, ctx, userId, moduleId, { version: 1, answers: { q1: ['a'] } });
 */
export async function submitAttempt(
  deps: MyTrainingDeps,
  ctx: ActorContext,
  userId: string,
  moduleId: string,
  input: { version: number; answers: QuizAnswers },
): Promise<AttemptResult> {
  const result = await deps.db.transaction().execute(async (trx) => {
    const assignment = await currentAssignment(trx, ctx.workspaceId, userId, moduleId);
    const m = await forUpdate(
      trx.selectFrom('training_modules').selectAll().where('workspace_id', '=', ctx.workspaceId).where('id', '=', moduleId),
      deps.dialect,
    ).executeTakeFirstOrThrow();
    if (m.version !== input.version) {
      throw new AppError('CONFLICT', { detail: 'The module changed since you read it: read it again', version: m.version });
    }
    const mark = markQuiz(JSON.parse(m.quiz) as QuizQuestion[], input.answers, m.pass_mark);
    const now = deps.clock.now();
    const nowIso = now.toISOString();
    const attemptId = randomUUID();
    await trx
      .insertInto('training_attempts')
      .values({
        id: attemptId,
        workspace_id: ctx.workspaceId,
        assignment_id: assignment.id,
        module_id: moduleId,
        user_id: userId,
        module_version: m.version,
        answers: JSON.stringify(input.answers),
        score: mark.score,
        passed: mark.passed ? 1 : 0,
        at: nowIso,
      })
      .execute();
    const bestScore = Math.max(assignment.best_score ?? 0, mark.score);
    const completedAt = assignment.completed_at ?? (mark.passed ? nowIso : null);
    await trx
      .updateTable('training_assignments')
      .set({ best_score: bestScore, completed_at: completedAt })
      .where('workspace_id', '=', ctx.workspaceId)
      .where('id', '=', assignment.id)
      .execute();
    await appendAudit(trx, deps, {
      workspaceId: ctx.workspaceId,
      actor: ctx.actor,
      action: 'training.attempt',
      outcome: 'allowed',
      resourceType: 'training_module',
      resourceId: moduleId,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
      details: { version: m.version, score: mark.score, passed: mark.passed, completed: completedAt !== null },
    });
    return {
      attemptId,
      moduleVersion: m.version,
      score: mark.score,
      passed: mark.passed,
      passMark: m.pass_mark,
      correctQuestions: mark.correctQuestions,
      assignment: viewOf({ ...assignment, best_score: bestScore, completed_at: completedAt }, now),
    };
  });
  if (result.passed) deps.onCompleted?.(ctx.workspaceId, userId);
  return result;
}
