import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { ActorContext } from '../../kernel/gate/processing-context.ts';
import { isUniqueViolation } from '../../kernel/purposes/unique-violation.ts';
import { emptyOrganisation, type OrganisationSettings, type OrganisationVersion } from './organisation-types.ts';

export interface OrganisationStore {
  /** The current version (version 0 and empty fields before the first save). */
  get(db: Kysely<Database>, workspaceId: string): Promise<OrganisationVersion>;
  /** Saves a new version if `expectedVersion` is current; 412 `PRECONDITION_FAILED` otherwise. */
  put(
    db: Kysely<Database>,
    ctx: ActorContext,
    expectedVersion: number,
    settings: OrganisationSettings,
  ): Promise<OrganisationVersion>;
}

function parse(row: { version: number; data: string; changed_at: string } | undefined): OrganisationVersion {
  if (!row) return { ...emptyOrganisation, version: 0, updatedAt: null };
  const data = JSON.parse(row.data) as OrganisationSettings;
  return { ...data, version: Number(row.version), updatedAt: row.changed_at };
}

/**
 * Organisation settings kept as append-only versions: every save is a new row, so the records of processing can
 * name the controller and DPO as they were on any date. The audit entry names the version and the parts changed,
 * never the contact values.
 *
 * @example
 * const organisation = createOrganisationStore({ dialect, clock });
 * const current = await organisation.get(db, workspaceId);
 * await organisation.put(db, ctx, current.version, { ...current, dpo: { name: 'Dana', email: 'dpo@acme.test', phone: '' } });
 */
export function createOrganisationStore(deps: { dialect: DialectName; clock: Clock }): OrganisationStore {
  const latest = (db: Kysely<Database>, workspaceId: string) =>
    db
      .selectFrom('governance_organisation_versions')
      .select(['version', 'data', 'changed_at'])
      .where('workspace_id', '=', workspaceId)
      .orderBy('version', 'desc')
      .limit(1);

  return {
    async get(db, workspaceId) {
      return parse(await latest(db, workspaceId).executeTakeFirst());
    },


    async put(db, ctx, expectedVersion, settings) {
      const now = deps.clock.now().toISOString();
      try {
        return await db.transaction().execute(async (trx) => {
          const current = parse(await latest(trx, ctx.workspaceId).executeTakeFirst());
          if (current.version !== expectedVersion) {
            throw new AppError('PRECONDITION_FAILED', { detail: 'The organisation settings changed since you read them' });
          }
          const version = current.version + 1;
          const parts = (['controller', 'representative', 'dpo'] as const).filter(
            (k) => JSON.stringify(current[k]) !== JSON.stringify(settings[k]),
          );
          await trx
            .insertInto('governance_organisation_versions')
            .values({
              workspace_id: ctx.workspaceId,
              version,
              data: JSON.stringify({ controller: settings.controller, representative: settings.representative, dpo: settings.dpo }),
              changed_at: now,
              actor_type: ctx.actor.type,
              actor_id: ctx.actor.id,
            })
            .execute();
          await appendAudit(trx, deps, {
            workspaceId: ctx.workspaceId,
            actor: ctx.actor,
            action: 'governance.organisation.update',
            outcome: 'allowed',
            resourceType: 'organisation',
            resourceId: ctx.workspaceId,
            requestId: ctx.requestId ?? null,
            ip: ctx.ip ?? null,
            details: { version, parts },
          });
          return { ...settings, version, updatedAt: now };
        });
      } catch (error) {
        // Two saves of the same version: the loser's insert hits the primary key.
        if (isUniqueViolation(error)) {
          throw new AppError('PRECONDITION_FAILED', { detail: 'The organisation settings changed since you read them' });
        }
        throw error;
      }
    },
  };
}
