import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { appendAudit, type Actor } from '../../kernel/audit/audit-log.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import { normaliseRetention } from '../../kernel/catalogue/retention.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';

/**
 * The event a retention period is counted from (ADR 0025 defines each from the data Custodian holds):
 * - `creation`: the person's record was created;
 * - `last_activity`: the newest of the record's last change and the newest activity linked to the person;
 * - `contract_end`: the newest close of the person's deals once none is open, or, with no deal, the last change of a
 *   record whose lifecycle stage is `former`;
 * - `consent_withdrawal`: the person's withdrawal of consent to the policy's purpose, while it is still withdrawn.
 */
export const retentionStartEvents = [
  'last_activity',
  'contract_end',
  'creation',
  'consent_withdrawal',
] as const;
export type RetentionStartEvent = (typeof retentionStartEvents)[number];

/** What the sweep does to a person due under the policy. */
export const retentionActions = ['delete', 'anonymise'] as const;
export type RetentionAction = (typeof retentionActions)[number];

/** A retention policy as the API shows it. */
export interface RetentionPolicy {
  readonly id: string;
  readonly name: string;
  /** Data category the rule is about, or null for all. */
  readonly category: string | null;
  /** Purpose the rule is about (required for `consent_withdrawal`). */
  readonly purpose: string | null;
  /** ISO 8601 duration. */
  readonly period: string;
  readonly startEvent: RetentionStartEvent;
  readonly action: RetentionAction;
  readonly active: boolean;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What a client sends to create or replace a policy. */
export interface RetentionPolicyInput {
  readonly name: string;
  readonly category?: string | null;
  readonly purpose?: string | null;
  readonly period: string;
  readonly startEvent: RetentionStartEvent;
  readonly action: RetentionAction;
  readonly active?: boolean;
}

/** Who changes policies. */
export interface PolicyContext {
  readonly workspaceId: string;
  readonly actor: Actor;
  readonly requestId?: string | null;
  readonly ip?: string | null;
}

export interface RetentionPolicies {
  list(
    db: Kysely<Database>,
    workspaceId: string,
    options?: { readonly activeOnly?: boolean },
  ): Promise<RetentionPolicy[]>;
  getOrThrow(db: Kysely<Database>, workspaceId: string, id: string): Promise<RetentionPolicy>;
  /** Every version of a policy, oldest first. */
  versions(
    db: Kysely<Database>,
    workspaceId: string,
    id: string,
  ): Promise<{ version: number; policy: RetentionPolicy; changedAt: string; actor: Actor }[]>;
  create(db: Kysely<Database>, ctx: PolicyContext, input: RetentionPolicyInput): Promise<RetentionPolicy>;
  /** Replaces a policy when `expectedVersion` is its current version (`PRECONDITION_FAILED` otherwise). */
  update(
    db: Kysely<Database>,
    ctx: PolicyContext,
    id: string,
    expectedVersion: number,
    input: RetentionPolicyInput,
  ): Promise<RetentionPolicy>;
}

function toPolicy(row: Database['retention_policies']): RetentionPolicy {
  return {
    id: row.id,
    name: row.name,
    category: row.category,
    purpose: row.purpose_key,
    period: row.period,
    startEvent: row.start_event as RetentionStartEvent,
    action: row.action as RetentionAction,
    active: row.active === 1,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Retention policies of a workspace: validated (period an ISO duration, purpose and category declared, a purpose for
 * consent withdrawal), every version kept in `retention_policy_versions`, every change audited in the same transaction.
 *
 * @example
 * const policies = createRetentionPolicies({ dialect, clock, purposes, catalogue });
 * const p = await policies.create(db, ctx, { name: 'Leads', period: 'P2Y', startEvent: 'last_activity', action: 'delete' });
 */
export function createRetentionPolicies(deps: {
  readonly dialect: DialectName;
  readonly clock: Clock;
  readonly purposes: Pick<PurposeRegister, 'list'>;
  readonly catalogue: Pick<Catalogue, 'listCategories'>;
}): RetentionPolicies {
  const auditDeps = { dialect: deps.dialect, clock: deps.clock };

  async function validate(db: Kysely<Database>, workspaceId: string, input: RetentionPolicyInput) {
    const errors: { path: string; message: string }[] = [];
    const name = input.name.trim();
    if (name === '') errors.push({ path: '/name', message: 'must not be blank' });
    const period = normaliseRetention(input.period);
    if (!period)
      errors.push({ path: '/period', message: 'must be an ISO 8601 duration such as P2Y, P6M or P90D' });
    const purpose = input.purpose ?? null;
    if (purpose !== null && !(await deps.purposes.list(db, workspaceId)).some((p) => p.key === purpose)) {
      errors.push({ path: '/purpose', message: 'is not a purpose of the register' });
    }
    if (input.startEvent === 'consent_withdrawal' && purpose === null) {
      errors.push({ path: '/purpose', message: 'is required when the period runs from consent withdrawal' });
    }
    const category = input.category ?? null;
    if (
      category !== null &&
      !(await deps.catalogue.listCategories(db, workspaceId)).some((c) => c.key === category)
    ) {
      errors.push({ path: '/category', message: 'is not a category of the data catalogue' });
    }
    if (errors.length > 0)
      throw new AppError('VALIDATION_FAILED', { detail: 'The retention policy is not valid', errors });
    return { name, period: period as string, purpose, category };
  }

  async function recordVersion(
    trx: Kysely<Database>,
    ctx: PolicyContext,
    policy: RetentionPolicy,
    action: string,
  ) {
    await trx
      .insertInto('retention_policy_versions')
      .values({
        workspace_id: ctx.workspaceId,
        policy_id: policy.id,
        version: policy.version,
        snapshot: JSON.stringify(policy),
        actor_type: ctx.actor.type,
        actor_id: ctx.actor.id,
        changed_at: policy.updatedAt,
      })
      .execute();
    await appendAudit(trx, auditDeps, {
      workspaceId: ctx.workspaceId,
      actor: ctx.actor,
      action,
      outcome: 'allowed',
      resourceType: 'retention_policy',
      resourceId: policy.id,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
      details: {
        version: policy.version,
        period: policy.period,
        startEvent: policy.startEvent,
        action: policy.action,
        purpose: policy.purpose,
        category: policy.category,
        active: policy.active,
      },
    });
  }

  const getOrThrow: RetentionPolicies['getOrThrow'] = async (db, workspaceId, id) => {
    const row = await db
      .selectFrom('retention_policies')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', { resource: 'retention_policy' });
    return toPolicy(row);
  };

  return {
    async list(db, workspaceId, options = {}) {
      let q = db.selectFrom('retention_policies').selectAll().where('workspace_id', '=', workspaceId);
      if (options.activeOnly) q = q.where('active', '=', 1);
      return (await q.orderBy('name').orderBy('id').execute()).map(toPolicy);
    },

    getOrThrow,

    async versions(db, workspaceId, id) {
      await getOrThrow(db, workspaceId, id);
      const rows = await db
        .selectFrom('retention_policy_versions')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('policy_id', '=', id)
        .orderBy('version')
        .execute();
      return rows.map((r) => ({
        version: r.version,
        policy: JSON.parse(r.snapshot) as RetentionPolicy,
        changedAt: r.changed_at,
        actor: { type: r.actor_type as Actor['type'], id: r.actor_id },
      }));
    },

    async create(db, ctx, input) {
      const v = await validate(db, ctx.workspaceId, input);
      const at = deps.clock.now().toISOString();
      const row: Database['retention_policies'] = {
        id: randomUUID(),
        workspace_id: ctx.workspaceId,
        name: v.name,
        category: v.category,
        purpose_key: v.purpose,
        period: v.period,
        start_event: input.startEvent,
        action: input.action,
        active: input.active === false ? 0 : 1,
        version: 1,
        created_at: at,
        updated_at: at,
      };
      return db.transaction().execute(async (trx) => {
        await trx.insertInto('retention_policies').values(row).execute();
        const policy = toPolicy(row);
        await recordVersion(trx, ctx, policy, 'retention.policy.create');
        return policy;
      });
    },

    async update(db, ctx, id, expectedVersion, input) {
      const v = await validate(db, ctx.workspaceId, input);
      return db.transaction().execute(async (trx) => {
        const current = await forUpdate(
          trx
            .selectFrom('retention_policies')
            .selectAll()
            .where('workspace_id', '=', ctx.workspaceId)
            .where('id', '=', id),
          deps.dialect,
        ).executeTakeFirst();
        if (!current) throw new AppError('NOT_FOUND', { resource: 'retention_policy' });
        if (current.version !== expectedVersion)
          throw new AppError('PRECONDITION_FAILED', {
            detail: 'The retention policy changed since you read it',
            version: current.version,
          });
        const next: Database['retention_policies'] = {
          ...current,
          name: v.name,
          category: v.category,
          purpose_key: v.purpose,
          period: v.period,
          start_event: input.startEvent,
          action: input.action,
          active: input.active === false ? 0 : 1,
          version: current.version + 1,
          updated_at: deps.clock.now().toISOString(),
        };
        await trx
          .updateTable('retention_policies')
          .set(next)
          .where('workspace_id', '=', ctx.workspaceId)
          .where('id', '=', id)
          .where('version', '=', expectedVersion)
          .execute();
        const policy = toPolicy(next);
        await recordVersion(trx, ctx, policy, 'retention.policy.update');
        return policy;
      });
    },
  };
}
