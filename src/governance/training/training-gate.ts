import type { Kysely } from 'kysely';
import { param, queryTemplate } from '../../db/query-template.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';

/** The workspace setting that turns the training gate on (off by default). */
export const trainingGateSetting = 'training.requiredBeforePersonalData';

// Compiled once per dialect: the setting is read on every gate check (see ARCHITECTURE.md on Kysely's compile cost).
const settingLookup = queryTemplate((db: Kysely<Database>) =>
  db.selectFrom('settings').select('value').where('workspace_id', '=', param('ws')).where('key', '=', param('key')),
);
const requiredLookup = queryTemplate((db: Kysely<Database>) =>
  db
    .selectFrom('training_rules as r')
    .innerJoin('users as u', (j) => j.onRef('u.role_id', '=', 'r.role_id').onRef('u.workspace_id', '=', 'r.workspace_id'))
    .innerJoin('training_modules as m', (j) => j.onRef('m.id', '=', 'r.module_id').onRef('m.workspace_id', '=', 'r.workspace_id'))
    .leftJoin('training_assignments as a', (j) =>
      j
        .onRef('a.workspace_id', '=', 'r.workspace_id')
        .onRef('a.user_id', '=', 'u.id')
        .onRef('a.module_id', '=', 'r.module_id')
        .on('a.refreshed_at', 'is', null),
    )
    .select(['r.module_id', 'a.id as assignment_id', 'a.completed_at', 'a.due_at', 'a.prior_completed_at'])
    .where('r.workspace_id', '=', param('ws'))
    .where('u.id', '=', param('user'))
    .where('m.active', '=', param('active')),
);

interface RequiredRow {
  module_id: string;
  assignment_id: string | null;
  completed_at: string | null;
  due_at: string | null;
  prior_completed_at: string | null;
}

export interface TrainingGate {
  /**
   * The gate's actor precondition: undefined when the actor may go on, otherwise a `TRAINING_REQUIRED` refusal
   * naming how many modules (and which module ids) are missing. Only users and their API tokens are checked.
   */
  readonly precondition: (db: Kysely<Database>, ctx: ProcessingContext) => Promise<AppError | undefined>;
  /** Forgets what is cached about a user (called when they complete a module). */
  readonly invalidate: (workspaceId: string, userId: string) => void;
  /** Forgets the workspace's cached setting (called when the settings change through this process). */
  readonly invalidateSetting?: (workspaceId: string) => void;
}

export interface TrainingGateDeps {
  readonly clock: Clock;
  /** How long one user's outcome is reused within this process (default 5 s). */
  readonly ttlMs?: number;
  /**
   * How long the workspace's setting is reused within this process, in real time (default 2 s): the bound on how
   * late a change made by another process (the CLI, a second server) is seen; changes through this process's
   * settings route are seen at once (`invalidateSetting`). ADR 0031.
   */
  readonly settingTtlMs?: number;
}

/**
 * Keeps users away from personal data until their required training is complete, when the workspace setting
 * `training.requiredBeforePersonalData` is on. Required training is every active module assigned by a rule to the
 * user's role: the user is held back while the module's current assignment is missing, has never been passed, or
 * is a refresher that is now overdue (docs/adr/0015-training-gate.md). An API token acts for its user and is held
 * back with them. The outcome per user is cached briefly and forgotten at once when they complete a module.
 *
 * @example
 * const training = createTrainingGate({ clock });
 * const kernel = createPrivacyKernel({ ..., actorPrecondition: training.precondition });
 */
export function createTrainingGate(deps: TrainingGateDeps): TrainingGate {
  const ttlMs = deps.ttlMs ?? 5000;
  const outcomes = new Map<string, { until: number; missing: readonly string[] }>();
  const settingTtlMs = deps.settingTtlMs ?? 2000;
  const settings = new Map<string, { until: number; on: boolean }>();

  /** Whether the workspace turned the gate on, read once per `settingTtlMs` (the setting is read on every check). */
  async function settingOn(db: Kysely<Database>, workspaceId: string): Promise<boolean> {
    const now = performance.now();
    const cached = settings.get(workspaceId);
    if (cached && cached.until > now) return cached.on;
    const { rows } = await db.executeQuery(settingLookup<{ value: string }>(db, { ws: workspaceId, key: trainingGateSetting }));
    const setting = rows[0];
    const on = setting !== undefined && JSON.parse(setting.value) === true;
    if (settings.size > 10_000) settings.clear();
    settings.set(workspaceId, { until: now + settingTtlMs, on });
    return on;
  }
  const tokenUsers = new Map<string, string>();

  async function userOf(db: Kysely<Database>, ctx: ProcessingContext): Promise<string | undefined> {
    const { actor } = ctx;
    if (!actor.id) return undefined;
    if (actor.type === 'user') return actor.id;
    if (actor.type !== 'token') return undefined;
    const known = tokenUsers.get(actor.id);
    if (known) return known;
    const row = await db.selectFrom('api_tokens').select('user_id').where('workspace_id', '=', ctx.workspaceId).where('id', '=', actor.id).executeTakeFirst();
    if (!row) return undefined;
    if (tokenUsers.size > 10_000) tokenUsers.clear();
    tokenUsers.set(actor.id, row.user_id);
    return row.user_id;
  }

  async function missingModules(db: Kysely<Database>, workspaceId: string, userId: string): Promise<string[]> {
    const now = deps.clock.now();
    const key = `${workspaceId}:${userId}`;
    const cached = outcomes.get(key);
    if (cached && cached.until > now.getTime()) return [...cached.missing];
    const { rows } = await db.executeQuery(requiredLookup<RequiredRow>(db, { ws: workspaceId, user: userId, active: 1 }));
    const nowIso = now.toISOString();
    const missing = rows
      .filter((r) => {
        if (!r.assignment_id) return true;
        if (r.completed_at) return false;
        // A refresher keeps the earlier completion valid until its own due date.
        return r.prior_completed_at === null || (r.due_at !== null && r.due_at < nowIso);
      })
      .map((r) => r.module_id)
      .sort();
    if (outcomes.size > 10_000) outcomes.clear();
    outcomes.set(key, { until: now.getTime() + ttlMs, missing });
    return missing;
  }

  return {
    async precondition(db, ctx) {
      const userId = await userOf(db, ctx);
      if (!userId) return undefined;
      if (!(await settingOn(db, ctx.workspaceId))) return undefined;
      const missing = await missingModules(db, ctx.workspaceId, userId);
      if (missing.length === 0) return undefined;
      return new AppError('TRAINING_REQUIRED', {
        detail: `Refused: complete your required training first (${missing.length} module${missing.length === 1 ? '' : 's'} outstanding)`,
        reason: 'training_required',
        modules: missing,
      });
    },
    invalidate(workspaceId, userId) {
      outcomes.delete(`${workspaceId}:${userId}`);
    },
    invalidateSetting(workspaceId) {
      settings.delete(workspaceId);
    },
  };
}
