import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { AppError, isAppError, type ErrorCode } from '../../errors.ts';
import { createAuditGroupCommit, type AuditGroupCommit } from '../audit/audit-group-commit.ts';
import { appendAudit, type AuditEntryInput } from '../audit/audit-log.ts';
import type { DeclaredAttribute } from '../catalogue/catalogue-types.ts';
import type { Catalogue } from '../catalogue/create-catalogue.ts';
import { categoryWithinAny } from '../catalogue/category-prefix.ts';
import type { Clock } from '../clock.ts';
import type { PurposeRegister } from '../purposes/purpose-register.ts';
import { purposeNeedsConsent, type PurposeRecord } from '../purposes/purpose-types.ts';
import { loadStandings } from '../standing/load-standings.ts';
import {
  decideProcessing,
  type CategoryFacts,
  type Operation,
  type ProcessingDecision,
} from './decide-processing.ts';
import type { ProcessingContext } from './processing-context.ts';
import { subjectDigest } from './subject-digest.ts';
import { createWriteGroups, type WriteGroups } from './write-group.ts';

/** Finds the pseudonymous id of each person (provided by the people area); missing ids are simply absent. */
export type PseudonymLookup = (
  db: Kysely<Database>,
  workspaceId: string,
  personIds: readonly string[],
) => Promise<ReadonlyMap<string, string>>;

export interface GateDeps {
  readonly dialect: DialectName;
  readonly clock: Clock;
  readonly catalogue: Catalogue;
  readonly purposes: PurposeRegister;
  /** Used when a request does not carry `pseudonyms`. */
  readonly pseudonymsOf?: PseudonymLookup;
  /**
   * Checked before the decision: a refusal it returns (e.g. `TRAINING_REQUIRED`) is audited and thrown like the
   * gate's own. The training area provides it (src/governance/training/training-gate.ts).
   */
  readonly actorPrecondition?: ActorPrecondition;
}

/** Something about the actor that must hold before any processing (their required training done). */
export type ActorPrecondition = (db: Kysely<Database>, ctx: ProcessingContext) => Promise<AppError | undefined>;

/** What an operation touches. */
export interface GateRequest {
  /** Existing persons concerned (empty for a create). More than one makes it a bulk operation. */
  readonly personIds: readonly string[];
  readonly operation: Operation;
  /** Data categories touched (key or key prefix). */
  readonly categories?: readonly string[];
  /**
   * Declared attributes touched, e.g. `{ entity: 'person', names: ['email'] }`: they must be declared
   * (`UNDECLARED_DATA`), their categories are checked, and a refusal names them in `fields`.
   */
  readonly attributes?: { readonly entity: string; readonly names: readonly string[] };
  /** Pseudonyms of `personIds`, when the caller already holds them (skips the lookup). */
  readonly pseudonyms?: ReadonlyMap<string, string>;
  /**
   * When allowed, the gate's entry is also the use-case's own entry (one audit entry per operation): its action,
   * resource, subject pseudonym and extra details replace or extend the gate's. A refusal is recorded as usual.
   */
  readonly allowedEntry?: {
    readonly action: string;
    /** Null for a bulk operation (no one resource). */
    readonly resourceId: string | null;
    /** Null for a bulk operation: `details` then carries the count and digest. */
    readonly subjectPseudonym: string | null;
    readonly details?: Record<string, unknown>;
  };
}

/** What an allowed operation may rely on. */
export interface GateAllowance {
  readonly purpose: PurposeRecord;
  readonly categories: readonly CategoryFacts[];
  readonly attributes: readonly DeclaredAttribute[];
}

export interface Gate {
  /**
   * Decides, writes one audit entry (allowed or denied) and throws `AppError(code, { reason, … })` on refusal.
   * Given a transaction, the entry commits with it; given the root handle, the gate commits the entry itself,
   * so that a refusal stays recorded even though the caller goes no further.
   */
  check(db: Kysely<Database>, ctx: ProcessingContext, request: GateRequest): Promise<GateAllowance>;
  /**
   * Opens a transaction, checks, and runs `work` in it when allowed. A refusal's audit entry is committed before
   * the error is thrown.
   */
  run<T>(
    db: Kysely<Database>,
    ctx: ProcessingContext,
    request: GateRequest,
    work: (trx: Kysely<Database>, allowance: GateAllowance) => Promise<T>,
  ): Promise<T>;
}

type Outcome =
  { readonly ok: true; readonly allowance: GateAllowance } | { readonly ok: false; readonly error: AppError };

function refusalError(
  decision: Extract<ProcessingDecision, { allowed: false }>,
  purpose: PurposeRecord,
  attributes: readonly DeclaredAttribute[],
  personCount: number,
): AppError {
  const details: Record<string, unknown> = {
    detail: `Refused: ${decision.reason}`,
    reason: decision.reason,
    purpose: purpose.key,
  };
  if (decision.categories) {
    details.categories = decision.categories;
    const fields = attributes
      .filter((a) => categoryWithinAny(a.category, decision.categories ?? []))
      .map((a) => a.attribute);
    if (fields.length > 0) details.fields = fields;
  }
  if (decision.personIds && personCount > 1) details.refusedCount = decision.personIds.length;
  return new AppError(decision.code, details);
}

/**
 * The processing gate (ARCHITECTURE invariant 2): every use-case calls it before touching personal data.
 *
 * @example
 * const gate = createGate({ dialect: db.dialect, clock, catalogue, purposes, pseudonymsOf });
 * await db.kysely.transaction().execute(async (trx) => {
 *   await gate.check(trx, ctx, { personIds: [id], operation: 'write', attributes: { entity: 'person', names: ['email'] } });
 *   // … write the person …
 * });
 */
export function createGate(deps: GateDeps): Gate {
  async function evaluate(
    trx: Kysely<Database>,
    ctx: ProcessingContext,
    request: GateRequest,
  ): Promise<Outcome & { purpose?: PurposeRecord; categoryKeys: string[] }> {
    const categoryKeys = [...(request.categories ?? [])];
    try {
      const refusal = deps.actorPrecondition ? await deps.actorPrecondition(trx, ctx) : undefined;
      if (refusal) return { ok: false, error: refusal, categoryKeys };
      const purpose = await deps.purposes.find(trx, ctx.workspaceId, ctx.purpose);
      if (!purpose) {
        return { ok: false, error: new AppError('PURPOSE_UNKNOWN', { purpose: ctx.purpose }), categoryKeys };
      }
      const attributes = request.attributes
        ? await deps.catalogue.assertDeclared(
            trx,
            ctx.workspaceId,
            request.attributes.entity,
            request.attributes.names,
          )
        : [];
      for (const a of attributes) categoryKeys.push(a.category);
      const categories = await deps.catalogue.categoryFacts(trx, ctx.workspaceId, categoryKeys);
      const base = {
        purpose,
        role: ctx.role,
        categories,
        operation: request.operation,
        personIds: request.personIds,
        answering: ctx.answering,
      };
      // Checks that do not depend on the persons first: no query for standing when they already refuse.
      let decision = decideProcessing({ ...base, standings: [] });
      if (decision.allowed && request.personIds.length > 0) {
        const withConsent = purposeNeedsConsent(
          purpose,
          categories.some((c) => c.special),
        );
        const standings = await loadStandings(trx, ctx.workspaceId, request.personIds, purpose.key, {
          now: deps.clock.now().toISOString(),
          withConsent,
        });
        decision = decideProcessing({ ...base, standings });
      }
      if (!decision.allowed) {
        return {
          ok: false,
          error: refusalError(decision, purpose, attributes, request.personIds.length),
          purpose,
          categoryKeys,
        };
      }
      return { ok: true, allowance: { purpose, categories, attributes }, purpose, categoryKeys };
    } catch (error) {
      if (isAppError(error) && error.code === 'UNDECLARED_DATA') return { ok: false, error, categoryKeys };
      throw error;
    }
  }

  /** The decision's audit entry (allowed or denied), with the subject's pseudonym looked up when not given. */
  async function entryOf(
    trx: Kysely<Database>,
    ctx: ProcessingContext,
    request: GateRequest,
    outcome: Awaited<ReturnType<typeof evaluate>>,
  ): Promise<AuditEntryInput> {
    const ids = [...new Set(request.personIds)];
    let subjectPseudonym: string | null = null;
    if (ids.length === 1) {
      const [id] = ids as [string];
      const known =
        request.pseudonyms ??
        (deps.pseudonymsOf ? await deps.pseudonymsOf(trx, ctx.workspaceId, ids) : undefined);
      subjectPseudonym = known?.get(id) ?? null;
    }
    const code: ErrorCode | undefined = outcome.ok ? undefined : outcome.error.code;
    const merged = outcome.ok ? request.allowedEntry : undefined;
    return {
      workspaceId: ctx.workspaceId,
      actor: ctx.actor,
      action: merged?.action ?? `processing.${request.operation}`,
      outcome: outcome.ok ? 'allowed' : 'denied',
      resourceType: request.attributes?.entity ?? 'person',
      resourceId: merged?.resourceId ?? null,
      subjectPseudonym: merged?.subjectPseudonym ?? subjectPseudonym,
      purpose: ctx.purpose,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
      details: {
        operation: request.operation,
        categories: [...new Set(outcome.categoryKeys)],
        ...(outcome.purpose ? { purposeVersion: outcome.purpose.version } : {}),
        ...(request.attributes ? { fields: request.attributes.names } : {}),
        count: ids.length,
        ...(ids.length > 1 || (ids.length === 1 && subjectPseudonym === null)
          ? { digest: subjectDigest(ids) }
          : {}),
        ...(code ? { code } : {}),
        // The request answered under the built-in requests purpose (ADR 0034): its id, never the person's data.
        ...(ctx.answering ? { answeringRequest: ctx.answering.requestId } : {}),
        ...merged?.details,
      },
    };
  }

  async function checkIn(
    trx: Kysely<Database>,
    ctx: ProcessingContext,
    request: GateRequest,
  ): Promise<Outcome> {
    const outcome = await evaluate(trx, ctx, request);
    await appendAudit(trx, deps, await entryOf(trx, ctx, request, outcome));
    return outcome;
  }

  // A check on the root handle records a decision that stands alone: its entry joins the next audit group commit
  // (one per root handle), and the check answers only once that group has committed.
  const groups = new WeakMap<Kysely<Database>, AuditGroupCommit>();
  const groupOf = (db: Kysely<Database>): AuditGroupCommit => {
    let group = groups.get(db);
    if (!group) {
      group = createAuditGroupCommit(db, deps);
      groups.set(db, group);
    }
    return group;
  };

  const writeGroups = new WeakMap<Kysely<Database>, WriteGroups>();
  const writeGroupsOf = (db: Kysely<Database>): WriteGroups => {
    let found = writeGroups.get(db);
    if (!found) {
      found = createWriteGroups(db);
      writeGroups.set(db, found);
    }
    return found;
  };

  return {
    async check(db, ctx, request) {
      let outcome: Outcome;
      if (db.isTransaction) outcome = await checkIn(db, ctx, request);
      else {
        const evaluated = await evaluate(db, ctx, request);
        await groupOf(db).append(await entryOf(db, ctx, request, evaluated));
        outcome = evaluated;
      }
      if (!outcome.ok) throw outcome.error;
      return outcome.allowance;
    },

    async run(db, ctx, request, work) {
      // Grouped with the workspace's other writes in flight (one commit for the group); settles after the commit.
      return writeGroupsOf(db).run(ctx.workspaceId, async (trx) => {
        const outcome = await checkIn(trx, ctx, request);
        if (!outcome.ok) return { ok: false, error: outcome.error };
        return { ok: true, value: await work(trx, outcome.allowance) };
      });
    },
  };
}
