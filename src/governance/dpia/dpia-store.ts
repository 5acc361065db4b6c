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
import type { PurposeRecord } from '../../kernel/purposes/purpose-types.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import { assertCalendarDate, fieldProblem, todayOf } from '../organisation/calendar-date.ts';
import { decodeListCursor, encodeListCursor } from '../organisation/list-cursor.ts';
import type { GovernanceDpiaTable } from '../organisation/governance-tables.ts';
import { missingDpiaItems } from './dpia-completeness.ts';
import { emptyRisk, type Dpia, type DpiaInput, type DpiaRisk } from './dpia-types.ts';
import { screenDpia } from './high-risk-criteria.ts';

/** A DPIA as a client may send it: anything left out starts empty (a draft). */
export type DpiaDraft = { readonly title: string } & Partial<Omit<DpiaInput, 'title' | 'context' | 'principles' | 'risks'>> & {
  readonly context?: Partial<DpiaInput['context']>;
  readonly principles?: Partial<DpiaInput['principles']>;
  readonly risks?: Partial<Record<keyof DpiaInput['risks'], Partial<DpiaRisk>>>;
};

/** How a review of a signed DPIA ends. */
export interface DpiaReview {
  /** `confirmed`: still valid for the current purposes; `reopened`: back to a draft to be changed and signed again. */
  readonly outcome: 'confirmed' | 'reopened';
  readonly nextReviewOn: string;
}

export interface DpiaStore {
  list(db: Kysely<Database>, workspaceId: string, page?: { cursor?: string; limit?: number }): Promise<{ items: Dpia[]; nextCursor: string | null }>;
  listAll(db: Kysely<Database>, workspaceId: string): Promise<Dpia[]>;
  getOrThrow(db: Kysely<Database>, workspaceId: string, id: string): Promise<Dpia>;
  create(db: Kysely<Database>, ctx: ActorContext, draft: DpiaDraft): Promise<Dpia>;
  /** Replaces a draft; a signed DPIA answers `DPIA_SIGNED`. */
  update(db: Kysely<Database>, ctx: ActorContext, id: string, expectedVersion: number, draft: DpiaDraft): Promise<Dpia>;
  /** Signs a complete draft (`DPIA_INCOMPLETE` listing what is missing otherwise), recording the purpose versions. */
  sign(db: Kysely<Database>, ctx: ActorContext, id: string, expectedVersion: number, signerUserId: string): Promise<Dpia>;
  review(db: Kysely<Database>, ctx: ActorContext, id: string, expectedVersion: number, review: DpiaReview): Promise<Dpia>;
}

export interface DpiaStoreDeps {
  readonly dialect: DialectName;
  readonly clock: Clock;
  readonly catalogue: Catalogue;
  readonly purposes: PurposeRegister;
}

function normalise(d: DpiaDraft): DpiaInput {
  const risk = (r: Partial<DpiaRisk> | undefined): DpiaRisk => ({ ...emptyRisk, ...r });
  return {
    title: d.title.trim(),
    context: {
      description: d.context?.description ?? '',
      purposeKeys: [...new Set(d.context?.purposeKeys ?? [])],
      dataCategories: [...new Set((d.context?.dataCategories ?? []).map(canonicalCategoryKey))],
      retention: d.context?.retention ?? '',
      supportingAssets: d.context?.supportingAssets ?? '',
    },
    principles: {
      necessityAndProportionality: d.principles?.necessityAndProportionality ?? '',
      rightsMeasures: d.principles?.rightsMeasures ?? '',
    },
    criteria: [...new Set(d.criteria ?? [])],
    risks: {
      illegitimate_access: risk(d.risks?.illegitimate_access),
      unwanted_modification: risk(d.risks?.unwanted_modification),
      disappearance: risk(d.risks?.disappearance),
    },
    actionPlan: d.actionPlan ?? [],
    dpoOpinion: d.dpoOpinion ?? '',
    reviewOn: d.reviewOn ?? null,
  };
}

/**
 * A new DPIA naming purposes but not their data or retention starts with both taken from the purpose register (CNIL
 * 1.2 pre-filled from the configuration); what the client sent is kept as sent.
 */
function prefillFromPurposes(
  purposes: ReadonlyMap<string, PurposeRecord>,
  draft: DpiaDraft,
  input: DpiaInput,
): DpiaInput {
  const covered = input.context.purposeKeys.map((k) => purposes.get(k)).filter((p): p is PurposeRecord => p !== undefined);
  if (covered.length === 0) return input;
  const categories = [...new Set(covered.flatMap((p) => [...p.requiredCategories, ...p.optionalCategories]))];
  return {
    ...input,
    context: {
      ...input.context,
      dataCategories: draft.context?.dataCategories === undefined ? categories : input.context.dataCategories,
      retention: draft.context?.retention === undefined ? covered.map((p) => `${p.key}: ${p.retention}`).join('; ') : input.context.retention,
    },
  };
}

/** Why a signed DPIA needs review: a covered purpose changed or disappeared, or its review date passed. */
function reviewReasons(
  row: Selectable<GovernanceDpiaTable>,
  purposes: ReadonlyMap<string, PurposeRecord>,
  today: string,
): string[] {
  if (row.status !== 'signed') return [];
  const reasons: string[] = [];
  const signed = JSON.parse(row.signed_purpose_versions ?? '{}') as Record<string, number>;
  for (const [key, version] of Object.entries(signed)) {
    const current = purposes.get(key);
    if (!current) reasons.push(`purpose ${key} is no longer in the register`);
    else if (current.version !== version) reasons.push(`purpose ${key} changed (version ${version} → ${current.version})`);
  }
  if (row.review_on !== null && row.review_on < today) reasons.push(`review date ${row.review_on} has passed`);
  return reasons;
}

/**
 * DPIAs following the CNIL method. Drafts may be incomplete; signing needs every item (the problem lists what is
 * missing) and records the version of each covered purpose, so that changing a purpose later flags the DPIA for
 * review when it is read. A signed DPIA changes only through a review.
 *
 * @example
 * const dpias = createDpiaStore({ dialect, clock, catalogue, purposes });
 * const d = await dpias.create(db, ctx, { title: 'Lead scoring' });
 * await dpias.sign(db, ctx, d.id, d.version, userId); // DPIA_INCOMPLETE with `missing`
 */
export function createDpiaStore(deps: DpiaStoreDeps): DpiaStore {
  async function purposeMap(db: Kysely<Database>, workspaceId: string) {
    return new Map((await deps.purposes.list(db, workspaceId)).map((p) => [p.key, p]));
  }

  function toDpia(row: Selectable<GovernanceDpiaTable>, purposes: ReadonlyMap<string, PurposeRecord>): Dpia {
    const input = normalise(JSON.parse(row.record) as DpiaDraft);
    const reasons = reviewReasons(row, purposes, todayOf(deps.clock.now()));
    return {
      ...input,
      id: row.id,
      version: Number(row.version),
      status: row.status as Dpia['status'],
      screening: screenDpia(input.criteria),
      missing: missingDpiaItems(input),
      signedAt: row.signed_at,
      signedBy: row.signed_by,
      signedPurposeVersions: row.signed_purpose_versions ? (JSON.parse(row.signed_purpose_versions) as Record<string, number>) : null,
      review: { needed: reasons.length > 0, reasons },
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  async function validate(db: Kysely<Database>, workspaceId: string, d: DpiaInput) {
    if (!d.title) throw fieldProblem('/title', 'must not be blank');
    assertCalendarDate('/reviewOn', d.reviewOn);
    const purposes = await purposeMap(db, workspaceId);
    d.context.purposeKeys.forEach((key, i) => {
      if (!purposes.has(key)) throw fieldProblem(`/context/purposeKeys/${i}`, 'is not a purpose of the register');
    });
    const categories = new Set((await deps.catalogue.listCategories(db, workspaceId)).map((c) => c.key));
    d.context.dataCategories.forEach((key, i) => {
      if (!categories.has(key)) throw fieldProblem(`/context/dataCategories/${i}`, 'is not a category of the data catalogue');
    });
    for (const [i, action] of d.actionPlan.entries()) {
      if (!action.measure.trim()) throw fieldProblem(`/actionPlan/${i}/measure`, 'must not be blank');
      assertCalendarDate(`/actionPlan/${i}/dueOn`, action.dueOn);
      const owner = await db
        .selectFrom('users')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', action.ownerUserId)
        .executeTakeFirst();
      if (!owner) throw fieldProblem(`/actionPlan/${i}/ownerUserId`, 'must name a user of this workspace');
    }
  }

  async function audit(trx: Kysely<Database>, ctx: ActorContext, action: string, id: string, details: Record<string, unknown>) {
    await appendAudit(trx, deps, {
      workspaceId: ctx.workspaceId,
      actor: ctx.actor,
      action,
      outcome: 'allowed',
      resourceType: 'dpia',
      resourceId: id,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
      details,
    });
  }

  async function getOrThrow(db: Kysely<Database>, workspaceId: string, id: string): Promise<Dpia> {
    const row = await db
      .selectFrom('governance_dpias')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', { resource: 'dpia' });
    return toDpia(row, await purposeMap(db, workspaceId));
  }

  /** Locks the row, checks the version, runs `change`, bumps the version; returns the stored DPIA. */
  async function mutate(
    db: Kysely<Database>,
    ctx: ActorContext,
    id: string,
    expectedVersion: number,
    change: (trx: Kysely<Database>, row: Selectable<GovernanceDpiaTable>, now: string) => Promise<Partial<Selectable<GovernanceDpiaTable>>>,
  ): Promise<Dpia> {
    return db.transaction().execute(async (trx) => {
      const row = await forUpdate(
        trx.selectFrom('governance_dpias').selectAll().where('workspace_id', '=', ctx.workspaceId).where('id', '=', id),
        deps.dialect,
      ).executeTakeFirst();
      if (!row) throw new AppError('NOT_FOUND', { resource: 'dpia' });
      if (Number(row.version) !== expectedVersion) throw new AppError('PRECONDITION_FAILED', { detail: 'The DPIA changed since you read it' });
      const now = deps.clock.now().toISOString();
      const set = await change(trx, row, now);
      await trx
        .updateTable('governance_dpias')
        .set({ ...set, version: expectedVersion + 1, updated_at: now })
        .where('workspace_id', '=', ctx.workspaceId)
        .where('id', '=', id)
        .execute();
      return getOrThrow(trx, ctx.workspaceId, id);
    });
  }

  const versionsOf = (keys: readonly string[], purposes: ReadonlyMap<string, PurposeRecord>) =>
    JSON.stringify(Object.fromEntries(keys.map((k) => [k, purposes.get(k)?.version ?? 0])));

  return {
    async list(db, workspaceId, page = {}) {
      const limit = Math.min(Math.max(page.limit ?? 50, 1), 200);
      let query = db.selectFrom('governance_dpias').selectAll().where('workspace_id', '=', workspaceId);
      if (page.cursor) {
        const [createdAt, id] = decodeListCursor(page.cursor);
        query = query.where((eb) => eb.or([eb('created_at', '>', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '>', id)])]));
      }
      const rows = await query.orderBy('created_at').orderBy('id').limit(limit + 1).execute();
      const purposes = await purposeMap(db, workspaceId);
      const items = rows.slice(0, limit).map((r) => toDpia(r, purposes));
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeListCursor(last.createdAt, last.id) : null };
    },

    async listAll(db, workspaceId) {
      const rows = await db.selectFrom('governance_dpias').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').execute();
      const purposes = await purposeMap(db, workspaceId);
      return rows.map((r) => toDpia(r, purposes));
    },

    getOrThrow,

    async create(db, ctx, draft) {
      const input = prefillFromPurposes(await purposeMap(db, ctx.workspaceId), draft, normalise(draft));
      await validate(db, ctx.workspaceId, input);
      const now = deps.clock.now().toISOString();
      const id = randomUUID();
      return db.transaction().execute(async (trx) => {
        await trx
          .insertInto('governance_dpias')
          .values({
            id,
            workspace_id: ctx.workspaceId,
            version: 1,
            title: input.title,
            status: 'draft',
            review_on: input.reviewOn,
            signed_at: null,
            signed_by: null,
            signed_purpose_versions: null,
            record: JSON.stringify(input),
            created_at: now,
            updated_at: now,
          })
          .execute();
        await audit(trx, ctx, 'governance.dpia.create', id, { version: 1 });
        return getOrThrow(trx, ctx.workspaceId, id);
      });
    },

    async update(db, ctx, id, expectedVersion, draft) {
      const current = await getOrThrow(db, ctx.workspaceId, id);
      if (current.status === 'signed') throw new AppError('DPIA_SIGNED', { detail: 'Review the signed DPIA (reopen it) before changing it' });
      const input = normalise(draft);
      await validate(db, ctx.workspaceId, input);
      return mutate(db, ctx, id, expectedVersion, async (trx, row) => {
        if (row.status === 'signed') throw new AppError('DPIA_SIGNED', { detail: 'Review the signed DPIA (reopen it) before changing it' });
        await audit(trx, ctx, 'governance.dpia.update', id, { version: expectedVersion + 1 });
        return { title: input.title, review_on: input.reviewOn, record: JSON.stringify(input) };
      });
    },

    async sign(db, ctx, id, expectedVersion, signerUserId) {
      const purposes = await purposeMap(db, ctx.workspaceId);
      return mutate(db, ctx, id, expectedVersion, async (trx, row) => {
        if (row.status === 'signed') throw new AppError('DPIA_SIGNED', { detail: 'The DPIA is already signed' });
        const input = normalise(JSON.parse(row.record) as DpiaDraft);
        const missing = missingDpiaItems(input);
        if (missing.length > 0) {
          throw new AppError('DPIA_INCOMPLETE', { detail: `Fill in ${missing.length} more item(s) before signing`, missing });
        }
        await audit(trx, ctx, 'governance.dpia.sign', id, { version: expectedVersion + 1, purposes: input.context.purposeKeys });
        return {
          status: 'signed',
          signed_at: deps.clock.now().toISOString(),
          signed_by: signerUserId,
          signed_purpose_versions: versionsOf(input.context.purposeKeys, purposes),
        };
      });
    },

    async review(db, ctx, id, expectedVersion, review) {
      assertCalendarDate('/nextReviewOn', review.nextReviewOn);
      const purposes = await purposeMap(db, ctx.workspaceId);
      return mutate(db, ctx, id, expectedVersion, async (trx, row) => {
        if (row.status !== 'signed') throw new AppError('CONFLICT', { detail: 'Only a signed DPIA is reviewed; edit the draft instead' });
        const input = normalise(JSON.parse(row.record) as DpiaDraft);
        const record = JSON.stringify({ ...input, reviewOn: review.nextReviewOn });
        await audit(trx, ctx, `governance.dpia.review.${review.outcome}`, id, { version: expectedVersion + 1 });
        return review.outcome === 'confirmed'
          ? { review_on: review.nextReviewOn, record, signed_purpose_versions: versionsOf(input.context.purposeKeys, purposes) }
          : { review_on: review.nextReviewOn, record, status: 'draft', signed_at: null, signed_by: null, signed_purpose_versions: null };
      });
    },
  };
}


