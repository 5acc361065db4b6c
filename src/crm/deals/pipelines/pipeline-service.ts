import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../../db/database.ts';
import { forUpdate } from '../../../db/dialect.ts';
import type { Database } from '../../../db/schema.ts';
import { AppError } from '../../../errors.ts';
import type { Clock } from '../../../kernel/clock.ts';
import { recordStageChange, type CrmActor } from '../stage-history.ts';
import { closingColumns, type StageKind } from './stage-kinds.ts';

export interface StageView {
  readonly id: string;
  readonly name: string;
  readonly position: number;
  /** 0–100. */
  readonly probability: number;
  readonly kind: StageKind;
}

export interface PipelineView {
  readonly id: string;
  readonly name: string;
  readonly isDefault: boolean;
  /** In board order. */
  readonly stages: StageView[];
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Covers the pipeline and its stages: every stage change needs If-Match with it. */
  readonly version: number;
}

export interface StageInput {
  readonly name: string;
  readonly probability: number;
  readonly kind: StageKind;
}

export interface PipelineService {
  list(workspaceId: string): Promise<PipelineView[]>;
  getOrThrow(workspaceId: string, id: string): Promise<PipelineView>;
  /** The workspace's default pipeline (seeded as "Sales"). */
  getDefaultOrThrow(db: Kysely<Database>, workspaceId: string): Promise<PipelineView>;
  create(workspaceId: string, input: { name: string; isDefault?: boolean | undefined; stages: readonly StageInput[] }): Promise<PipelineView>;
  /** Renames, or makes it the default (the default cannot be unset, only replaced). */
  update(workspaceId: string, id: string, expectedVersion: number, patch: { name?: string | undefined; isDefault?: boolean | undefined }): Promise<PipelineView>;
  /** Refuses while the pipeline holds deals, and for the default pipeline (409). */
  remove(workspaceId: string, id: string): Promise<void>;
  addStage(workspaceId: string, id: string, expectedVersion: number, stage: StageInput & { position?: number | undefined }): Promise<PipelineView>;
  /** A change of kind changes the status of the stage's deals. */
  updateStage(by: CrmActor, id: string, stageId: string, expectedVersion: number, patch: Partial<StageInput>): Promise<PipelineView>;
  /** `stageIds` must name every stage of the pipeline exactly once. */
  reorderStages(workspaceId: string, id: string, expectedVersion: number, stageIds: readonly string[]): Promise<PipelineView>;
  /** Refused (409) while the stage holds deals, unless `moveDealsTo` names another stage of the pipeline. */
  removeStage(by: CrmActor, id: string, stageId: string, expectedVersion: number, moveDealsTo?: string | undefined): Promise<PipelineView>;
}

/** The stages of the "Sales" pipeline every new workspace starts with. */
export const defaultSalesStages: readonly StageInput[] = [
  { name: 'Lead', probability: 10, kind: 'open' },
  { name: 'Qualified', probability: 25, kind: 'open' },
  { name: 'Proposal', probability: 50, kind: 'open' },
  { name: 'Negotiation', probability: 75, kind: 'open' },
  { name: 'Won', probability: 100, kind: 'won' },
  { name: 'Lost', probability: 0, kind: 'lost' },
];

const invalid = (path: string, message: string, detail: string) => new AppError('VALIDATION_FAILED', { detail, errors: [{ path, message }] });

/**
 * Loads a pipeline with its stages, or undefined.
 *
 * @example
 * const p = await loadPipeline(trx, workspaceId, pipelineId);
 */
export async function loadPipeline(db: Kysely<Database>, workspaceId: string, id: string): Promise<PipelineView | undefined> {
  const row = await db.selectFrom('pipelines').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const stages = await db
    .selectFrom('pipeline_stages')
    .select(['id', 'name', 'position', 'probability', 'kind'])
    .where('workspace_id', '=', workspaceId)
    .where('pipeline_id', '=', id)
    .orderBy('position')
    .execute();
  return {
    id: row.id,
    name: row.name,
    isDefault: row.is_default === 1,
    stages: stages.map((s) => ({ ...s, kind: s.kind as StageKind })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/**
 * Inserts a pipeline and its stages in the caller's transaction (used by the service and the workspace seeder).
 *
 * @example
 * const id = await insertPipeline(trx, workspaceId, { name: 'Sales', isDefault: true, stages: defaultSalesStages }, now);
 */
export async function insertPipeline(
  trx: Kysely<Database>,
  workspaceId: string,
  input: { name: string; isDefault: boolean; stages: readonly StageInput[] },
  at: string,
): Promise<string> {
  const id = randomUUID();
  if (input.isDefault) await trx.updateTable('pipelines').set({ is_default: 0 }).where('workspace_id', '=', workspaceId).execute();
  await trx
    .insertInto('pipelines')
    .values({ id, workspace_id: workspaceId, name: input.name.trim(), is_default: input.isDefault ? 1 : 0, created_at: at, updated_at: at, version: 1 })
    .execute();
  await trx
    .insertInto('pipeline_stages')
    .values(
      input.stages.map((s, position) => ({
        id: randomUUID(),
        workspace_id: workspaceId,
        pipeline_id: id,
        name: s.name.trim(),
        position,
        probability: s.probability,
        kind: s.kind,
        created_at: at,
        updated_at: at,
      })),
    )
    .execute();
  return id;
}

function assertStageNames(stages: readonly { name: string }[]): void {
  const names = stages.map((s) => s.name.trim().toLocaleLowerCase('en'));
  if (new Set(names).size !== names.length) throw invalid('/stages', 'duplicate stage name', 'Two stages have the same name');
}

/**
 * Pipelines and their ordered stages. Every change takes the pipeline's version (If-Match) and bumps it.
 *
 * @example
 * const pipelines = createPipelineService({ db, clock });
 * const sales = await pipelines.getDefaultOrThrow(db.kysely, workspaceId);
 * await pipelines.reorderStages(workspaceId, sales.id, sales.version, [...sales.stages].reverse().map((s) => s.id));
 */
export function createPipelineService(deps: { readonly db: Db; readonly clock: Clock }): PipelineService {
  const kysely = deps.db.kysely;
  const now = () => deps.clock.now().toISOString();

  /** Locks the pipeline, checks the version, runs `work`, bumps the version and answers the new state. */
  const change = (
    workspaceId: string,
    id: string,
    expectedVersion: number,
    work: (trx: Kysely<Database>, current: PipelineView) => Promise<void>,
  ): Promise<PipelineView> =>
    kysely.transaction().execute(async (trx) => {
      const locked = await forUpdate(trx.selectFrom('pipelines').select(['id', 'version']).where('workspace_id', '=', workspaceId).where('id', '=', id), deps.db.dialect).executeTakeFirst();
      if (!locked) throw new AppError('NOT_FOUND', { resource: 'pipeline' });
      if (locked.version !== expectedVersion) throw new AppError('PRECONDITION_FAILED', { detail: 'The pipeline changed since you read it', version: locked.version });
      const current = await loadPipeline(trx, workspaceId, id);
      if (!current) throw new AppError('NOT_FOUND', { resource: 'pipeline' });
      await work(trx, current);
      await trx.updateTable('pipelines').set({ version: locked.version + 1, updated_at: now() }).where('id', '=', id).execute();
      const after = await loadPipeline(trx, workspaceId, id);
      if (!after) throw new AppError('NOT_FOUND', { resource: 'pipeline' });
      return after;
    });

  const stageOf = (pipeline: PipelineView, stageId: string) => {
    const stage = pipeline.stages.find((s) => s.id === stageId);
    if (!stage) throw new AppError('NOT_FOUND', { resource: 'stage' });
    return stage;
  };

  const dealCount = async (db: Kysely<Database>, workspaceId: string, column: 'pipeline_id' | 'stage_id', id: string) =>
    Number(
      (await db.selectFrom('deals').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', workspaceId).where(column, '=', id).executeTakeFirstOrThrow()).n,
    );

  const renumberStages = async (trx: Kysely<Database>, workspaceId: string, ids: readonly string[]) => {
    // Two passes so that no intermediate state depends on the order of the updates.
    for (const [i, stageId] of ids.entries()) {
      await trx.updateTable('pipeline_stages').set({ position: -1 - i, updated_at: now() }).where('workspace_id', '=', workspaceId).where('id', '=', stageId).execute();
    }
    for (const [i, stageId] of ids.entries()) {
      await trx.updateTable('pipeline_stages').set({ position: i }).where('workspace_id', '=', workspaceId).where('id', '=', stageId).execute();
    }
  };

  return {
    async list(workspaceId) {
      const rows = await kysely.selectFrom('pipelines').select('id').where('workspace_id', '=', workspaceId).orderBy('is_default', 'desc').orderBy('created_at').orderBy('id').execute();
      const out: PipelineView[] = [];
      for (const row of rows) {
        const p = await loadPipeline(kysely, workspaceId, row.id);
        if (p) out.push(p);
      }
      return out;
    },

    async getOrThrow(workspaceId, id) {
      const p = await loadPipeline(kysely, workspaceId, id);
      if (!p) throw new AppError('NOT_FOUND', { resource: 'pipeline' });
      return p;
    },

    async getDefaultOrThrow(db, workspaceId) {
      const row =
        (await db.selectFrom('pipelines').select('id').where('workspace_id', '=', workspaceId).where('is_default', '=', 1).executeTakeFirst()) ??
        (await db.selectFrom('pipelines').select('id').where('workspace_id', '=', workspaceId).orderBy('created_at').executeTakeFirst());
      const p = row ? await loadPipeline(db, workspaceId, row.id) : undefined;
      if (!p) throw new AppError('NOT_FOUND', { resource: 'pipeline', detail: 'The workspace has no pipeline' });
      return p;
    },

    async create(workspaceId, input) {
      assertStageNames(input.stages);
      return kysely.transaction().execute(async (trx) => {
        const any = await trx.selectFrom('pipelines').select('id').where('workspace_id', '=', workspaceId).executeTakeFirst();
        const id = await insertPipeline(trx, workspaceId, { name: input.name, isDefault: input.isDefault === true || !any, stages: input.stages }, now());
        const p = await loadPipeline(trx, workspaceId, id);
        if (!p) throw new AppError('INTERNAL');
        return p;
      });
    },

    async update(workspaceId, id, expectedVersion, patch) {
      return change(workspaceId, id, expectedVersion, async (trx, current) => {
        if (patch.isDefault === false && current.isDefault) {
          throw new AppError('CONFLICT', { detail: 'Make another pipeline the default instead' });
        }
        if (patch.isDefault === true && !current.isDefault) {
          await trx.updateTable('pipelines').set({ is_default: 0 }).where('workspace_id', '=', workspaceId).execute();
          await trx.updateTable('pipelines').set({ is_default: 1 }).where('id', '=', id).execute();
        }
        if (patch.name !== undefined) await trx.updateTable('pipelines').set({ name: patch.name.trim() }).where('id', '=', id).execute();
      });
    },

    async remove(workspaceId, id) {
      await kysely.transaction().execute(async (trx) => {
        const p = await forUpdate(trx.selectFrom('pipelines').select(['id', 'is_default']).where('workspace_id', '=', workspaceId).where('id', '=', id), deps.db.dialect).executeTakeFirst();
        if (!p) throw new AppError('NOT_FOUND', { resource: 'pipeline' });
        if (p.is_default === 1) throw new AppError('CONFLICT', { detail: 'The default pipeline cannot be deleted; make another the default first' });
        const deals = await dealCount(trx, workspaceId, 'pipeline_id', id);
        if (deals > 0) throw new AppError('CONFLICT', { detail: 'The pipeline still holds deals; move them first', deals });
        await trx.deleteFrom('pipeline_stages').where('workspace_id', '=', workspaceId).where('pipeline_id', '=', id).execute();
        await trx.deleteFrom('pipelines').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
      });
    },

    async addStage(workspaceId, id, expectedVersion, stage) {
      return change(workspaceId, id, expectedVersion, async (trx, current) => {
        assertStageNames([...current.stages, stage]);
        const stageId = randomUUID();
        await trx
          .insertInto('pipeline_stages')
          .values({ id: stageId, workspace_id: workspaceId, pipeline_id: id, name: stage.name.trim(), position: current.stages.length, probability: stage.probability, kind: stage.kind, created_at: now(), updated_at: now() })
          .execute();
        const order = current.stages.map((s) => s.id);
        order.splice(Math.min(stage.position ?? order.length, order.length), 0, stageId);
        await renumberStages(trx, workspaceId, order);
      });
    },

    async updateStage(by, id, stageId, expectedVersion, patch) {
      return change(by.workspaceId, id, expectedVersion, async (trx, current) => {
        const stage = stageOf(current, stageId);
        if (patch.name !== undefined) assertStageNames(current.stages.map((s) => (s.id === stageId ? { name: patch.name ?? s.name } : s)));
        await trx
          .updateTable('pipeline_stages')
          .set({
            ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
            ...(patch.probability !== undefined ? { probability: patch.probability } : {}),
            ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
            updated_at: now(),
          })
          .where('workspace_id', '=', by.workspaceId)
          .where('id', '=', stageId)
          .execute();
        if (patch.kind !== undefined && patch.kind !== stage.kind) {
          const deals = await trx.selectFrom('deals').select(['id', 'status', 'closed_at', 'close_reason', 'version']).where('workspace_id', '=', by.workspaceId).where('stage_id', '=', stageId).execute();
          for (const d of deals) {
            await trx.updateTable('deals').set({ ...closingColumns(patch.kind, d, now()), updated_at: now(), version: d.version + 1 }).where('id', '=', d.id).execute();
          }
        }
      });
    },

    async reorderStages(workspaceId, id, expectedVersion, stageIds) {
      return change(workspaceId, id, expectedVersion, async (trx, current) => {
        const known = new Set(current.stages.map((s) => s.id));
        if (stageIds.length !== known.size || new Set(stageIds).size !== stageIds.length || !stageIds.every((s) => known.has(s))) {
          throw invalid('/stageIds', 'must list every stage of the pipeline once', 'The new order must name every stage of the pipeline exactly once');
        }
        await renumberStages(trx, workspaceId, stageIds);
      });
    },

    async removeStage(by, id, stageId, expectedVersion, moveDealsTo) {
      return change(by.workspaceId, id, expectedVersion, async (trx, current) => {
        const stage = stageOf(current, stageId);
        if (current.stages.length === 1) throw new AppError('CONFLICT', { detail: 'A pipeline keeps at least one stage' });
        const deals = await trx.selectFrom('deals').selectAll().where('workspace_id', '=', by.workspaceId).where('stage_id', '=', stageId).orderBy('position').execute();
        if (deals.length > 0) {
          if (moveDealsTo === undefined) {
            throw new AppError('CONFLICT', { detail: 'The stage holds deals: name a stage to move them to (moveDealsTo)', deals: deals.length });
          }
          const target = current.stages.find((s) => s.id === moveDealsTo && s.id !== stageId);
          if (!target) throw invalid('/moveDealsTo', 'not another stage of this pipeline', 'Deals can only move to another stage of the same pipeline');
          const at = now();
          const base = Number(
            (await trx.selectFrom('deals').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', by.workspaceId).where('stage_id', '=', target.id).executeTakeFirstOrThrow()).n,
          );
          for (const [i, d] of deals.entries()) {
            await trx
              .updateTable('deals')
              .set({ stage_id: target.id, position: base + i, ...closingColumns(target.kind, d, at), updated_at: at, version: d.version + 1 })
              .where('id', '=', d.id)
              .execute();
            await recordStageChange(trx, by, { dealId: d.id, from: { id: stage.id, name: stage.name }, to: { id: target.id, name: target.name }, at });
          }
        }
        await trx.deleteFrom('pipeline_stages').where('workspace_id', '=', by.workspaceId).where('id', '=', stageId).execute();
        await renumberStages(trx, by.workspaceId, current.stages.filter((s) => s.id !== stageId).map((s) => s.id));
      });
    },
  };
}
