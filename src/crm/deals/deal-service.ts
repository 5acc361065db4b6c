import { detachRecord } from '../activities/detach-record.ts';
import { randomUUID } from 'node:crypto';
import { sql, type Expression, type Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Gate } from '../../kernel/gate/create-gate.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';
import { decodeListCursor, encodeListCursor } from '../organizations/list-cursor.ts';
import { assertWorkspaceUser } from '../organizations/organization-service.ts';
import { normaliseCurrency } from './currency.ts';
import { dealViews, type DealRow, type DealView } from './deal-view.ts';
import { loadPipeline, type PipelineService, type PipelineView, type StageView } from './pipelines/pipeline-service.ts';
import { closingColumns, type StageKind } from './pipelines/stage-kinds.ts';
import { recordStageChange, type CrmActor } from './stage-history.ts';
import { placeDeal, unplaceDeal } from './stage-positions.ts';

export interface DealInput {
  readonly title: string;
  readonly amount?: number | undefined;
  readonly currency?: string | undefined;
  readonly expectedCloseDate?: string | null | undefined;
  readonly ownerUserId?: string | null | undefined;
  /** Default: the workspace's default pipeline. */
  readonly pipelineId?: string | undefined;
  /** Default: the first stage of the pipeline. */
  readonly stageId?: string | undefined;
  readonly organizationId?: string | null | undefined;
  /** People involved; linking runs the gate (operation `write`) under the request's purpose. */
  readonly personIds?: readonly string[] | undefined;
  readonly closeReason?: string | null | undefined;
}
/** An update; `personIds` replaces the linked set. A new stage puts the deal at the end of that stage. */
export type DealPatch = Partial<DealInput>;

export const dealSorts = ['createdAt', '-createdAt', 'title', '-title', 'amount', '-amount', 'expectedCloseDate', '-expectedCloseDate'] as const;
export type DealSort = (typeof dealSorts)[number];

export interface DealListQuery {
  readonly limit: number;
  readonly cursor?: string | undefined;
  readonly sort?: DealSort | undefined;
  /** Title prefix, case-insensitive. */
  readonly q?: string | undefined;
  readonly pipelineId?: string | undefined;
  readonly stageId?: string | undefined;
  readonly ownerUserId?: string | undefined;
  readonly organizationId?: string | undefined;
  readonly personId?: string | undefined;
  readonly status?: StageKind | undefined;
  /** Inclusive `YYYY-MM-DD` bounds of the expected close date. */
  readonly closeFrom?: string | undefined;
  readonly closeTo?: string | undefined;
}

/** The stage changes of a deal, oldest first. */
export interface StageChangeView {
  readonly id: number;
  readonly fromStageId: string | null;
  readonly fromStageName: string | null;
  readonly toStageId: string;
  readonly toStageName: string;
  readonly actorType: string;
  readonly actorId: string | null;
  readonly changedAt: string;
}

export interface DealService {
  /** `processing` is needed when people are linked (the gate decides under its purpose). */
  create(by: CrmActor, input: DealInput, processing?: ProcessingContext): Promise<DealView>;
  getOrThrow(workspaceId: string, id: string): Promise<DealView>;
  update(by: CrmActor, id: string, expectedVersion: number, patch: DealPatch, processing?: ProcessingContext): Promise<DealView>;
  /** Moves to `stageId` (same pipeline) at `position` of that stage; records the stage change. */
  move(by: CrmActor, id: string, expectedVersion: number, to: { stageId: string; position?: number | undefined; closeReason?: string | null | undefined }): Promise<DealView>;
  remove(by: CrmActor, id: string): Promise<void>;
  /** With `personId`, the gate checks a `read` of that person under `processing` first. */
  list(workspaceId: string, query: DealListQuery, processing?: ProcessingContext): Promise<{ items: DealView[]; nextCursor: string | null }>;
  stageHistory(workspaceId: string, id: string): Promise<StageChangeView[]>;
}

export interface DealDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly gate: Gate;
  readonly pipelines: Pick<PipelineService, 'getDefaultOrThrow'>;
}

const invalid = (path: string, message: string, detail: string) => new AppError('VALIDATION_FAILED', { detail, errors: [{ path, message }] });

function assertDate(value: string, path: string): void {
  const d = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    throw invalid(path, 'not a calendar date (YYYY-MM-DD)', 'The date is not valid');
  }
}

function assertAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount < 0) throw invalid('/amount', 'must be a non-negative integer of minor units', 'The amount is not valid');
}

/** The sortable expression of a sort key (null close dates sort last ascending). */
function sortExpression(sort: DealSort): { expr: Expression<string | number>; desc: boolean; pick: (r: DealRow) => string | number } {
  const desc = sort.startsWith('-');
  switch (sort.replace(/^-/, '')) {
    case 'title':
      return { expr: sql<string>`title_key`, desc, pick: (r) => r.title_key };
    case 'amount':
      return { expr: sql<number>`amount`, desc, pick: (r) => Number(r.amount) };
    case 'expectedCloseDate':
      return { expr: sql<string>`coalesce(expected_close_date, '9999-12-31')`, desc, pick: (r) => r.expected_close_date ?? '9999-12-31' };
    default:
      return { expr: sql<string>`created_at`, desc, pick: (r) => r.created_at };
  }
}

/**
 * Deals: business data moving through a pipeline's stages, with stage history, board positions and linked people.
 *
 * @example
 * const deals = createDealService({ db, clock, gate, pipelines });
 * const d = await deals.create(by, { title: 'Renewal 2027', amount: 1_200_000, currency: 'EUR' });
 * await deals.move(by, d.id, d.version, { stageId: proposal.id, position: 0 });
 */
export function createDealService(deps: DealDeps): DealService {
  const { db, clock, gate } = deps;
  const kysely = db.kysely;

  const findRow = (executor: Kysely<Database>, workspaceId: string, id: string) =>
    executor.selectFrom('deals').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();

  const viewOf = async (executor: Kysely<Database>, row: DealRow) => (await dealViews(executor, row.workspace_id, [row]))[0] as DealView;

  /** Locks the pipeline (moves within it are serialised), then the deal; checks the version. */
  const lockDeal = async (trx: Kysely<Database>, workspaceId: string, id: string, expectedVersion: number | null) => {
    const row = await findRow(trx, workspaceId, id);
    if (!row) throw new AppError('NOT_FOUND', { resource: 'deal' });
    await forUpdate(trx.selectFrom('pipelines').select('id').where('id', '=', row.pipeline_id), db.dialect).execute();
    const locked = await forUpdate(trx.selectFrom('deals').selectAll().where('id', '=', id), db.dialect).executeTakeFirst();
    if (!locked) throw new AppError('NOT_FOUND', { resource: 'deal' });
    if (expectedVersion !== null && locked.version !== expectedVersion) {
      throw new AppError('PRECONDITION_FAILED', { detail: 'The deal changed since you read it', version: locked.version });
    }
    return locked;
  };

  const resolveStage = async (
    executor: Kysely<Database>,
    workspaceId: string,
    pipelineId: string | undefined,
    stageId: string | undefined,
  ): Promise<{ pipeline: PipelineView; stage: StageView }> => {
    let pipeline: PipelineView | undefined;
    if (pipelineId !== undefined) {
      pipeline = await loadPipeline(executor, workspaceId, pipelineId);
      if (!pipeline) throw invalid('/pipelineId', 'unknown pipeline', 'The pipeline does not exist');
    } else if (stageId !== undefined) {
      const s = await executor.selectFrom('pipeline_stages').select('pipeline_id').where('workspace_id', '=', workspaceId).where('id', '=', stageId).executeTakeFirst();
      if (!s) throw invalid('/stageId', 'unknown stage', 'The stage does not exist');
      pipeline = await loadPipeline(executor, workspaceId, s.pipeline_id);
    } else {
      pipeline = await deps.pipelines.getDefaultOrThrow(executor, workspaceId);
    }
    if (!pipeline) throw invalid('/pipelineId', 'unknown pipeline', 'The pipeline does not exist');
    const stage = stageId === undefined ? pipeline.stages[0] : pipeline.stages.find((s) => s.id === stageId);
    if (!stage) {
      const elsewhere = stageId !== undefined && (await executor.selectFrom('pipeline_stages').select('id').where('workspace_id', '=', workspaceId).where('id', '=', stageId).executeTakeFirst());
      throw elsewhere
        ? invalid('/stageId', 'stage of another pipeline', 'The stage belongs to another pipeline')
        : invalid('/stageId', 'unknown stage', 'The stage does not exist');
    }
    return { pipeline, stage };
  };

  const assertOrganization = async (executor: Kysely<Database>, workspaceId: string, id: string) => {
    const org = await executor.selectFrom('organizations').select('id').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
    if (!org) throw invalid('/organizationId', 'unknown organization', 'The organization does not exist');
  };

  const assertPeople = async (executor: Kysely<Database>, workspaceId: string, ids: readonly string[]) => {
    if (ids.length === 0) return;
    const found = await executor.selectFrom('persons').select('id').where('workspace_id', '=', workspaceId).where('id', 'in', [...ids]).where('erased_at', 'is', null).execute();
    if (found.length !== ids.length) throw invalid('/personIds', 'unknown or erased person', 'A linked person does not exist');
  };

  /** Runs `work` in a transaction; when people are newly linked, inside the gate's (refusals stay audited). */
  const withLinkGate = <T>(workspaceId: string, added: readonly string[], processing: ProcessingContext | undefined, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> => {
    if (added.length === 0) return kysely.transaction().execute(work);
    if (!processing || processing.workspaceId !== workspaceId) throw new AppError('PURPOSE_REQUIRED', { detail: 'Linking people needs a processing purpose' });
    return gate.run(kysely, processing, { personIds: added, operation: 'write' }, (trx) => work(trx));
  };

  const checkScalars = async (workspaceId: string, input: DealPatch) => {
    if (input.amount !== undefined) assertAmount(input.amount);
    if (input.expectedCloseDate) assertDate(input.expectedCloseDate, '/expectedCloseDate');
    if (input.ownerUserId) await assertWorkspaceUser(kysely, workspaceId, input.ownerUserId, '/ownerUserId');
    if (input.organizationId) await assertOrganization(kysely, workspaceId, input.organizationId);
    if (input.personIds && new Set(input.personIds).size !== input.personIds.length) throw invalid('/personIds', 'duplicate person', 'A person is listed twice');
    if (input.personIds) await assertPeople(kysely, workspaceId, input.personIds);
  };

  return {
    async create(by, input, processing) {
      const ws = by.workspaceId;
      const currency = normaliseCurrency(input.currency ?? 'EUR');
      await checkScalars(ws, input);
      const personIds = input.personIds ?? [];
      return withLinkGate(ws, personIds, processing, async (trx) => {
        const { pipeline, stage } = await resolveStage(trx, ws, input.pipelineId, input.stageId);
        await forUpdate(trx.selectFrom('pipelines').select('id').where('id', '=', pipeline.id), db.dialect).execute();
        const at = clock.now().toISOString();
        const count = await trx.selectFrom('deals').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', ws).where('stage_id', '=', stage.id).executeTakeFirstOrThrow();
        const closing = closingColumns(stage.kind, { status: 'open', closed_at: null, close_reason: null }, at);
        const row: DealRow = {
          id: randomUUID(),
          workspace_id: ws,
          title: input.title.trim(),
          title_key: input.title.trim().toLocaleLowerCase('en'),
          amount: input.amount ?? 0,
          currency,
          expected_close_date: input.expectedCloseDate ?? null,
          owner_user_id: input.ownerUserId ?? null,
          pipeline_id: pipeline.id,
          stage_id: stage.id,
          position: Number(count.n),
          organization_id: input.organizationId ?? null,
          ...closing,
          close_reason: closing.status === 'open' ? null : (input.closeReason ?? null),
          created_at: at,
          updated_at: at,
          version: 1,
        };
        await trx.insertInto('deals').values(row).execute();
        if (personIds.length > 0) {
          await trx.insertInto('deal_people').values(personIds.map((person_id) => ({ workspace_id: ws, deal_id: row.id, person_id, created_at: at }))).execute();
        }
        await recordStageChange(trx, by, { dealId: row.id, from: null, to: { id: stage.id, name: stage.name }, at });
        return viewOf(trx, row);
      });
    },

    async getOrThrow(workspaceId, id) {
      const row = await findRow(kysely, workspaceId, id);
      if (!row) throw new AppError('NOT_FOUND', { resource: 'deal' });
      return viewOf(kysely, row);
    },

    async update(by, id, expectedVersion, patch, processing) {
      const ws = by.workspaceId;
      const currency = patch.currency === undefined ? undefined : normaliseCurrency(patch.currency);
      await checkScalars(ws, patch);
      const existing = await findRow(kysely, ws, id);
      if (!existing) throw new AppError('NOT_FOUND', { resource: 'deal' });
      const linked = new Set((await kysely.selectFrom('deal_people').select('person_id').where('deal_id', '=', id).execute()).map((r) => r.person_id));
      const added = (patch.personIds ?? []).filter((p) => !linked.has(p));
      return withLinkGate(ws, added, processing, async (trx) => {
        const row = await lockDeal(trx, ws, id, expectedVersion);
        const at = clock.now().toISOString();
        const set: Partial<DealRow> = { updated_at: at, version: row.version + 1 };
        if (patch.title !== undefined) Object.assign(set, { title: patch.title.trim(), title_key: patch.title.trim().toLocaleLowerCase('en') });
        if (patch.amount !== undefined) set.amount = patch.amount;
        if (currency !== undefined) set.currency = currency;
        if (patch.expectedCloseDate !== undefined) set.expected_close_date = patch.expectedCloseDate;
        if (patch.ownerUserId !== undefined) set.owner_user_id = patch.ownerUserId;
        if (patch.organizationId !== undefined) set.organization_id = patch.organizationId;
        const moving = (patch.pipelineId !== undefined && patch.pipelineId !== row.pipeline_id) || (patch.stageId !== undefined && patch.stageId !== row.stage_id);
        let kind = row.status as StageKind;
        if (moving) {
          const { pipeline, stage } = await resolveStage(trx, ws, patch.pipelineId ?? (patch.stageId === undefined ? undefined : row.pipeline_id), patch.stageId);
          const from = await trx.selectFrom('pipeline_stages').select(['id', 'name']).where('id', '=', row.stage_id).executeTakeFirst();
          set.pipeline_id = pipeline.id;
          set.position = await placeDeal(trx, ws, row, stage.id);
          set.stage_id = stage.id;
          Object.assign(set, closingColumns(stage.kind, row, at));
          kind = stage.kind;
          await recordStageChange(trx, by, { dealId: id, from: from ?? null, to: { id: stage.id, name: stage.name }, at });
        }
        if (patch.closeReason !== undefined) {
          if (kind === 'open' && patch.closeReason !== null) throw invalid('/closeReason', 'only for won or lost deals', 'An open deal has no close reason');
          set.close_reason = patch.closeReason;
        }
        await trx.updateTable('deals').set(set).where('id', '=', id).execute();
        if (patch.personIds !== undefined) {
          const keep = new Set(patch.personIds);
          const removed = [...linked].filter((p) => !keep.has(p));
          if (removed.length > 0) await trx.deleteFrom('deal_people').where('deal_id', '=', id).where('person_id', 'in', removed).execute();
          if (added.length > 0) await trx.insertInto('deal_people').values(added.map((person_id) => ({ workspace_id: ws, deal_id: id, person_id, created_at: at }))).execute();
        }
        const after = await findRow(trx, ws, id);
        if (!after) throw new AppError('NOT_FOUND', { resource: 'deal' });
        return viewOf(trx, after);
      });
    },

    async move(by, id, expectedVersion, to) {
      const ws = by.workspaceId;
      return kysely.transaction().execute(async (trx) => {
        const row = await lockDeal(trx, ws, id, expectedVersion);
        const pipeline = await loadPipeline(trx, ws, row.pipeline_id);
        const stage = pipeline?.stages.find((s) => s.id === to.stageId);
        if (!pipeline || !stage) {
          const elsewhere = await trx.selectFrom('pipeline_stages').select('id').where('workspace_id', '=', ws).where('id', '=', to.stageId).executeTakeFirst();
          throw elsewhere ? invalid('/stageId', 'stage of another pipeline', 'The stage belongs to another pipeline') : invalid('/stageId', 'unknown stage', 'The stage does not exist');
        }
        const at = clock.now().toISOString();
        const position = await placeDeal(trx, ws, row, stage.id, to.position);
        const set: Partial<DealRow> = { stage_id: stage.id, position, updated_at: at, version: row.version + 1 };
        if (stage.id !== row.stage_id) {
          Object.assign(set, closingColumns(stage.kind, row, at));
          const from = pipeline.stages.find((s) => s.id === row.stage_id);
          await recordStageChange(trx, by, { dealId: id, from: from ? { id: from.id, name: from.name } : null, to: { id: stage.id, name: stage.name }, at });
        }
        if (to.closeReason !== undefined) {
          if (stage.kind === 'open' && to.closeReason !== null) throw invalid('/closeReason', 'only for won or lost deals', 'An open deal has no close reason');
          set.close_reason = to.closeReason;
        }
        await trx.updateTable('deals').set(set).where('id', '=', id).execute();
        return viewOf(trx, { ...row, ...set } as DealRow);
      });
    },

    async remove(by, id) {
      await kysely.transaction().execute(async (trx) => {
        const row = await lockDeal(trx, by.workspaceId, id, null);
        await unplaceDeal(trx, by.workspaceId, row);
        await trx.deleteFrom('deal_people').where('deal_id', '=', id).execute();
        await trx.deleteFrom('deal_stage_history').where('workspace_id', '=', by.workspaceId).where('deal_id', '=', id).execute();
        await detachRecord(trx, by.workspaceId, 'deal', id);
        await trx.deleteFrom('deals').where('id', '=', id).execute();
      });
    },

    async list(workspaceId, query, processing) {
      if (query.closeFrom) assertDate(query.closeFrom, '/closeFrom');
      if (query.closeTo) assertDate(query.closeTo, '/closeTo');
      if (query.personId) {
        if (!processing) throw new AppError('PURPOSE_REQUIRED', { detail: 'Listing a person’s deals needs a processing purpose' });
        // Which deals a person is part of is about that person: the gate decides (and audits) the read.
        await gate.check(kysely, processing, { personIds: [query.personId], operation: 'read' });
      }
      const { expr, desc, pick } = sortExpression(query.sort ?? '-createdAt');
      let q = kysely.selectFrom('deals').selectAll('deals').where('deals.workspace_id', '=', workspaceId);
      if (query.q) {
        const prefix = query.q.trim().toLocaleLowerCase('en').replace(/[\\%_]/g, (c) => `\\${c}`);
        q = q.where(sql<boolean>`title_key like ${`${prefix}%`} escape '\\'`);
      }
      if (query.pipelineId) q = q.where('pipeline_id', '=', query.pipelineId);
      if (query.stageId) q = q.where('stage_id', '=', query.stageId);
      if (query.ownerUserId) q = q.where('owner_user_id', '=', query.ownerUserId);
      if (query.organizationId) q = q.where('organization_id', '=', query.organizationId);
      if (query.status) q = q.where('status', '=', query.status);
      if (query.closeFrom) q = q.where('expected_close_date', '>=', query.closeFrom);
      if (query.closeTo) q = q.where('expected_close_date', '<=', query.closeTo);
      if (query.personId) {
        const personId = query.personId;
        q = q.where('deals.id', 'in', (eb) => eb.selectFrom('deal_people').select('deal_id').where('workspace_id', '=', workspaceId).where('person_id', '=', personId));
      }
      if (query.cursor) {
        const [value, after] = decodeListCursor(query.cursor);
        const op = desc ? '<' : '>';
        q = q.where((eb) => eb.or([eb(expr, op, value), eb.and([eb(expr, '=', value), eb('deals.id', op, after)])]));
      }
      const rows = await q
        .orderBy(expr, desc ? 'desc' : 'asc')
        .orderBy('deals.id', desc ? 'desc' : 'asc')
        .limit(query.limit + 1)
        .execute();
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        items: await dealViews(kysely, workspaceId, page),
        nextCursor: rows.length > query.limit && last ? encodeListCursor([pick(last), last.id]) : null,
      };
    },

    async stageHistory(workspaceId, id) {
      if (!(await findRow(kysely, workspaceId, id))) throw new AppError('NOT_FOUND', { resource: 'deal' });
      const rows = await kysely.selectFrom('deal_stage_history').selectAll().where('workspace_id', '=', workspaceId).where('deal_id', '=', id).orderBy('changed_at').orderBy('id').execute();
      return rows.map((r) => ({
        id: r.id,
        fromStageId: r.from_stage_id,
        fromStageName: r.from_stage_name,
        toStageId: r.to_stage_id,
        toStageName: r.to_stage_name,
        actorType: r.actor_type,
        actorId: r.actor_id,
        changedAt: r.changed_at,
      }));
    },
  };
}
