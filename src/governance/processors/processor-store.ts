import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import { canonicalCategoryKey } from '../../kernel/catalogue/taxonomy.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { ActorContext } from '../../kernel/gate/processing-context.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import type { GovernanceProcessorTable } from '../organisation/governance-tables.ts';
import { addDays, assertCalendarDate, fieldProblem } from '../organisation/calendar-date.ts';
import { decodeListCursor, encodeListCursor } from '../organisation/list-cursor.ts';
import { isCountryCode } from '../transfers/country-codes.ts';
import { missingProcessorItems } from './processor-completeness.ts';
import type { Processor, ProcessorInput, ProcessorRole } from './processor-types.ts';

/** One page of processors, by name. */
export interface ProcessorPage {
  readonly items: Processor[];
  /** Pass as `cursor` for the next page; null on the last. */
  readonly nextCursor: string | null;
}

export interface ProcessorStore {
  list(db: Kysely<Database>, workspaceId: string, page?: { cursor?: string; limit?: number }): Promise<ProcessorPage>;
  /** Every processor of the workspace (for the records of processing and the due list). */
  listAll(db: Kysely<Database>, workspaceId: string): Promise<Processor[]>;
  getOrThrow(db: Kysely<Database>, workspaceId: string, id: string): Promise<Processor>;
  create(db: Kysely<Database>, ctx: ActorContext, input: ProcessorInput): Promise<Processor>;
  /** Replaces the record if `expectedVersion` is current (412 otherwise). */
  update(db: Kysely<Database>, ctx: ActorContext, id: string, expectedVersion: number, input: ProcessorInput): Promise<Processor>;
}

export interface ProcessorStoreDeps {
  readonly dialect: DialectName;
  readonly clock: Clock;
  readonly catalogue: Catalogue;
  readonly purposes: PurposeRegister;
  /** Told after every change (the records of processing take a new version). */
  readonly afterChange: (db: Kysely<Database>, workspaceId: string) => Promise<void>;
}

type StoredRecord = Omit<ProcessorInput, 'name' | 'role' | 'parentId' | 'reviewOn'>;

function toProcessor(row: Selectable<GovernanceProcessorTable>): Processor {
  const r = JSON.parse(row.record) as StoredRecord;
  const input: ProcessorInput = { ...r, name: row.name, role: row.role as ProcessorRole, parentId: row.parent_id, reviewOn: row.review_on };
  const missing = missingProcessorItems(input);
  const notice = r.subProcessorNotice ?? null;
  return {
    id: row.id,
    version: Number(row.version),
    name: row.name,
    role: row.role as ProcessorRole,
    parentId: row.parent_id,
    services: r.services ?? '',
    dataCategories: r.dataCategories ?? [],
    purposes: r.purposes ?? [],
    countries: r.countries ?? [],
    agreement: r.agreement ?? null,
    subProcessorNotice: notice,
    certifications: r.certifications ?? [],
    reviewOn: row.review_on,
    status: missing.length === 0 ? 'complete' : 'draft',
    missing,
    objectionDeadline: notice ? addDays(notice.noticeOn, notice.objectionWindowDays) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}



/**
 * The register of processors, sub-processors, joint controllers and recipients. Every write checks dates,
 * countries (ISO 3166-1 alpha-2), data categories (catalogue) and purposes (register) before storing anything;
 * incomplete records are stored as drafts with the list of what they lack.
 *
 * @example
 * const processors = createProcessorStore({ dialect, clock, catalogue, purposes, afterChange });
 * const p = await processors.create(db, ctx, { name: 'Mailer Inc', role: 'processor', countries: ['US'] });
 * p.status; // 'draft'
 */
export function createProcessorStore(deps: ProcessorStoreDeps): ProcessorStore {
  async function validate(db: Kysely<Database>, workspaceId: string, input: ProcessorInput, selfId: string | null) {
    if (!input.name.trim()) throw fieldProblem('/name', 'must not be blank');
    assertCalendarDate('/reviewOn', input.reviewOn);
    assertCalendarDate('/agreement/signedOn', input.agreement?.signedOn);
    assertCalendarDate('/agreement/expiresOn', input.agreement?.expiresOn);
    assertCalendarDate('/subProcessorNotice/noticeOn', input.subProcessorNotice?.noticeOn);
    const { signedOn, expiresOn } = input.agreement ?? {};
    if (signedOn && expiresOn && expiresOn < signedOn) throw fieldProblem('/agreement/expiresOn', 'must not be before signedOn');
    (input.countries ?? []).forEach((c, i) => {
      if (!isCountryCode(c)) throw fieldProblem(`/countries/${i}`, 'is not an ISO 3166-1 alpha-2 country code');
    });
    if (input.role !== 'sub_processor') {
      if (input.parentId) throw fieldProblem('/parentId', 'only a sub-processor has a parent processor');
      if (input.subProcessorNotice) throw fieldProblem('/subProcessorNotice', 'only a sub-processor has a notice');
    }
    if (input.parentId) {
      if (input.parentId === selfId) throw fieldProblem('/parentId', 'must name another processor');
      const parent = await db
        .selectFrom('governance_processors')
        .select('role')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', input.parentId)
        .executeTakeFirst();
      if (!parent || (parent.role !== 'processor' && parent.role !== 'sub_processor')) {
        throw fieldProblem('/parentId', 'must name a processor of this workspace');
      }
    }
    const categories = new Set((await deps.catalogue.listCategories(db, workspaceId)).map((c) => c.key));
    (input.dataCategories ?? []).forEach((key, i) => {
      if (!categories.has(canonicalCategoryKey(key))) throw fieldProblem(`/dataCategories/${i}`, 'is not a category of the data catalogue');
    });
    const purposes = new Set((await deps.purposes.list(db, workspaceId)).map((p) => p.key));
    (input.purposes ?? []).forEach((key, i) => {
      if (!purposes.has(key)) throw fieldProblem(`/purposes/${i}`, 'is not a purpose of the register');
    });
  }

  function rowValues(input: ProcessorInput) {
    const record: StoredRecord = {
      services: input.services ?? '',
      dataCategories: (input.dataCategories ?? []).map(canonicalCategoryKey),
      purposes: [...(input.purposes ?? [])],
      countries: [...new Set(input.countries ?? [])],
      agreement: input.agreement
        ? {
            signedOn: input.agreement.signedOn ?? null,
            expiresOn: input.agreement.expiresOn ?? null,
            documentReference: input.agreement.documentReference?.trim() || null,
            terms: [...new Set(input.agreement.terms)],
          }
        : null,
      subProcessorNotice: input.subProcessorNotice ?? null,
      certifications: [...(input.certifications ?? [])],
    };
    return {
      name: input.name.trim(),
      role: input.role,
      parent_id: input.parentId ?? null,
      complete: missingProcessorItems(input).length === 0 ? 1 : 0,
      review_on: input.reviewOn ?? null,
      agreement_expires_on: input.agreement?.expiresOn ?? null,
      record: JSON.stringify(record),
    };
  }

  async function audit(trx: Kysely<Database>, ctx: ActorContext, action: string, p: Processor) {
    await appendAudit(trx, deps, {
      workspaceId: ctx.workspaceId,
      actor: ctx.actor,
      action,
      outcome: 'allowed',
      resourceType: 'processor',
      resourceId: p.id,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
      details: { version: p.version, role: p.role, status: p.status },
    });
  }

  async function getOrThrow(db: Kysely<Database>, workspaceId: string, id: string): Promise<Processor> {
    const row = await db
      .selectFrom('governance_processors')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', { resource: 'processor' });
    return toProcessor(row);
  }

  return {
    async list(db, workspaceId, page = {}) {
      const limit = Math.min(Math.max(page.limit ?? 50, 1), 200);
      let query = db.selectFrom('governance_processors').selectAll().where('workspace_id', '=', workspaceId);
      if (page.cursor) {
        const [name, id] = decodeListCursor(page.cursor);
        query = query.where((eb) => eb.or([eb('name', '>', name), eb.and([eb('name', '=', name), eb('id', '>', id)])]));
      }
      const rows = await query.orderBy('name').orderBy('id').limit(limit + 1).execute();
      const items = rows.slice(0, limit).map(toProcessor);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeListCursor(last.name, last.id) : null };
    },

    async listAll(db, workspaceId) {
      const rows = await db
        .selectFrom('governance_processors')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .orderBy('name')
        .orderBy('id')
        .execute();
      return rows.map(toProcessor);
    },

    getOrThrow,

    async create(db, ctx, input) {
      await validate(db, ctx.workspaceId, input, null);
      const now = deps.clock.now().toISOString();
      const id = randomUUID();
      const created = await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('governance_processors')
          .values({ id, workspace_id: ctx.workspaceId, version: 1, ...rowValues(input), created_at: now, updated_at: now })
          .execute();
        const p = await getOrThrow(trx, ctx.workspaceId, id);
        await audit(trx, ctx, 'governance.processor.create', p);
        return p;
      });
      await deps.afterChange(db, ctx.workspaceId);
      return created;
    },

    async update(db, ctx, id, expectedVersion, input) {
      await getOrThrow(db, ctx.workspaceId, id);
      await validate(db, ctx.workspaceId, input, id);
      const now = deps.clock.now().toISOString();
      const updated = await db.transaction().execute(async (trx) => {
        const row = await forUpdate(
          trx.selectFrom('governance_processors').select('version').where('workspace_id', '=', ctx.workspaceId).where('id', '=', id),
          deps.dialect,
        ).executeTakeFirst();
        if (!row) throw new AppError('NOT_FOUND', { resource: 'processor' });
        if (Number(row.version) !== expectedVersion) {
          throw new AppError('PRECONDITION_FAILED', { detail: 'The processor changed since you read it' });
        }
        await trx
          .updateTable('governance_processors')
          .set({ ...rowValues(input), version: expectedVersion + 1, updated_at: now })
          .where('workspace_id', '=', ctx.workspaceId)
          .where('id', '=', id)
          .execute();
        const p = await getOrThrow(trx, ctx.workspaceId, id);
        await audit(trx, ctx, 'governance.processor.update', p);
        return p;
      });
      await deps.afterChange(db, ctx.workspaceId);
      return updated;
    },
  };
}
