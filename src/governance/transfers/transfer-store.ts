import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { ActorContext } from '../../kernel/gate/processing-context.ts';
import { assertCalendarDate, fieldProblem, todayOf } from '../organisation/calendar-date.ts';
import type { GovernanceTransferTable } from '../organisation/governance-tables.ts';
import type { ProcessorStore } from '../processors/processor-store.ts';
import { isEea } from './adequacy-decisions.ts';
import { countryName, isCountryCode } from './country-codes.ts';
import { toolUnfitReason, transferFlags } from './transfer-flags.ts';
import type { Art49Derogation, SccModule, Transfer, TransferGap, TransferInput, TransferTool } from './transfer-types.ts';

/** The transfer register: recorded transfers with their flags, and the non-EEA countries no transfer covers. */
export interface TransferRegister {
  readonly items: Transfer[];
  readonly gaps: TransferGap[];
}

export interface TransferStore {
  register(db: Kysely<Database>, workspaceId: string): Promise<TransferRegister>;
  getOrThrow(db: Kysely<Database>, workspaceId: string, id: string): Promise<Transfer>;
  create(db: Kysely<Database>, ctx: ActorContext, input: TransferInput): Promise<Transfer>;
  update(db: Kysely<Database>, ctx: ActorContext, id: string, expectedVersion: number, input: TransferInput): Promise<Transfer>;
}

export interface TransferStoreDeps {
  readonly dialect: DialectName;
  readonly clock: Clock;
  readonly processors: ProcessorStore;
  readonly afterChange: (db: Kysely<Database>, workspaceId: string) => Promise<void>;
}

interface StoredRecord {
  readonly sccModule: SccModule | null;
  readonly art49Derogation: Art49Derogation | null;
  readonly tiaReference: string | null;
  readonly supplementaryMeasures: string | null;
}

/**
 * Chapter V transfers. A write refuses an EEA country, an unknown country, SCC without a module, an Art. 49 transfer
 * without its derogation, and a tool that does not fit the country (`TRANSFER_TOOL_UNFIT`); reads flag transfers
 * whose tool stopped fitting, expired, or lacks a transfer impact assessment, and list the gaps: a processor's
 * non-EEA country no transfer covers.
 *
 * @example
 * const transfers = createTransferStore({ dialect, clock, processors, afterChange });
 * await transfers.create(db, ctx, { processorId, country: 'US', tool: 'scc', sccModule: 2, tiaReference: 'TIA-7' });
 */
export function createTransferStore(deps: TransferStoreDeps): TransferStore {
  const today = () => todayOf(deps.clock.now());

  function toTransfer(row: Selectable<GovernanceTransferTable>, processorName: string, on: string): Transfer {
    const r = JSON.parse(row.record) as StoredRecord;
    const tool = row.tool as TransferTool;
    return {
      id: row.id,
      version: Number(row.version),
      processorId: row.processor_id,
      processorName,
      country: row.country,
      countryName: countryName(row.country),
      tool,
      sccModule: r.sccModule,
      art49Derogation: r.art49Derogation,
      tiaReference: r.tiaReference,
      supplementaryMeasures: r.supplementaryMeasures,
      expiresOn: row.expires_on,
      flags: transferFlags({ country: row.country, tool, tiaReference: r.tiaReference, expiresOn: row.expires_on }, on),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  async function validate(db: Kysely<Database>, workspaceId: string, input: TransferInput): Promise<string> {
    const processor = await db
      .selectFrom('governance_processors')
      .select('name')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', input.processorId)
      .executeTakeFirst();
    if (!processor) throw fieldProblem('/processorId', 'must name a processor or recipient of this workspace');
    if (!isCountryCode(input.country)) throw fieldProblem('/country', 'is not an ISO 3166-1 alpha-2 country code');
    if (isEea(input.country)) throw fieldProblem('/country', 'is in the EEA: not a Chapter V transfer');
    if (input.tool === 'scc' && !input.sccModule) throw fieldProblem('/sccModule', 'is required with standard contractual clauses (1 to 4)');
    if (input.tool !== 'scc' && input.sccModule) throw fieldProblem('/sccModule', 'applies to standard contractual clauses only');
    if (input.tool === 'art49' && !input.art49Derogation) throw fieldProblem('/art49Derogation', 'is required with an Art. 49 derogation');
    if (input.tool !== 'art49' && input.art49Derogation) throw fieldProblem('/art49Derogation', 'applies to Art. 49 transfers only');
    assertCalendarDate('/expiresOn', input.expiresOn);
    const unfit = toolUnfitReason(input, today());
    if (unfit) throw new AppError('TRANSFER_TOOL_UNFIT', { detail: unfit, tool: input.tool, country: input.country });
    return processor.name;
  }

  function rowValues(input: TransferInput) {
    const record: StoredRecord = {
      sccModule: input.sccModule ?? null,
      art49Derogation: input.art49Derogation ?? null,
      tiaReference: input.tiaReference?.trim() || null,
      supplementaryMeasures: input.supplementaryMeasures?.trim() || null,
    };
    return {
      processor_id: input.processorId,
      country: input.country,
      tool: input.tool,
      expires_on: input.expiresOn ?? null,
      record: JSON.stringify(record),
    };
  }

  async function audit(trx: Kysely<Database>, ctx: ActorContext, action: string, t: Transfer) {
    await appendAudit(trx, deps, {
      workspaceId: ctx.workspaceId,
      actor: ctx.actor,
      action,
      outcome: 'allowed',
      resourceType: 'transfer',
      resourceId: t.id,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
      details: { version: t.version, processorId: t.processorId, country: t.country, tool: t.tool },
    });
  }

  async function getOrThrow(db: Kysely<Database>, workspaceId: string, id: string): Promise<Transfer> {
    const row = await db
      .selectFrom('governance_transfers')
      .innerJoin('governance_processors', (j) =>
        j.onRef('governance_processors.id', '=', 'governance_transfers.processor_id').onRef(
          'governance_processors.workspace_id',
          '=',
          'governance_transfers.workspace_id',
        ),
      )
      .selectAll('governance_transfers')
      .select('governance_processors.name as processor_name')
      .where('governance_transfers.workspace_id', '=', workspaceId)
      .where('governance_transfers.id', '=', id)
      .executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', { resource: 'transfer' });
    return toTransfer(row, row.processor_name, today());
  }

  return {
    async register(db, workspaceId) {
      const on = today();
      const processors = await deps.processors.listAll(db, workspaceId);
      const names = new Map(processors.map((p) => [p.id, p.name]));
      const rows = await db
        .selectFrom('governance_transfers')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .orderBy('country')
        .orderBy('id')
        .execute();
      const items = rows.map((r) => toTransfer(r, names.get(r.processor_id) ?? '', on));
      const covered = new Set(items.map((t) => `${t.processorId}:${t.country}`));
      const gaps: TransferGap[] = [];
      for (const p of processors) {
        for (const country of p.countries) {
          if (!isEea(country) && !covered.has(`${p.id}:${country}`)) {
            gaps.push({ processorId: p.id, processorName: p.name, country, countryName: countryName(country), flags: ['missing_tool'] });
          }
        }
      }
      return { items, gaps };
    },

    getOrThrow,

    async create(db, ctx, input) {
      await validate(db, ctx.workspaceId, input);
      const now = deps.clock.now().toISOString();
      const id = randomUUID();
      const created = await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('governance_transfers')
          .values({ id, workspace_id: ctx.workspaceId, version: 1, ...rowValues(input), created_at: now, updated_at: now })
          .execute();
        const t = await getOrThrow(trx, ctx.workspaceId, id);
        await audit(trx, ctx, 'governance.transfer.create', t);
        return t;
      });
      await deps.afterChange(db, ctx.workspaceId);
      return created;
    },

    async update(db, ctx, id, expectedVersion, input) {
      await getOrThrow(db, ctx.workspaceId, id);
      await validate(db, ctx.workspaceId, input);
      const now = deps.clock.now().toISOString();
      const updated = await db.transaction().execute(async (trx) => {
        const row = await forUpdate(
          trx.selectFrom('governance_transfers').select('version').where('workspace_id', '=', ctx.workspaceId).where('id', '=', id),
          deps.dialect,
        ).executeTakeFirst();
        if (!row) throw new AppError('NOT_FOUND', { resource: 'transfer' });
        if (Number(row.version) !== expectedVersion) {
          throw new AppError('PRECONDITION_FAILED', { detail: 'The transfer changed since you read it' });
        }
        await trx
          .updateTable('governance_transfers')
          .set({ ...rowValues(input), version: expectedVersion + 1, updated_at: now })
          .where('workspace_id', '=', ctx.workspaceId)
          .where('id', '=', id)
          .execute();
        const t = await getOrThrow(trx, ctx.workspaceId, id);
        await audit(trx, ctx, 'governance.transfer.update', t);
        return t;
      });
      await deps.afterChange(db, ctx.workspaceId);
      return updated;
    },
  };
}
