import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import { isUniqueViolation } from '../../kernel/purposes/unique-violation.ts';
import type { OrganisationStore } from '../organisation/organisation-store.ts';
import type { ProcessorStore } from '../processors/processor-store.ts';
import type { TransferStore } from '../transfers/transfer-store.ts';
import { buildRopa } from './build-ropa.ts';
import { canonicalDigest } from './canonical-digest.ts';
import type { RopaDocument, RopaSnapshot } from './ropa-types.ts';
import type { SecurityFacts } from './security-measures.ts';

/** A version of the records without its content (for the version list). */
export type RopaVersionSummary = Omit<RopaSnapshot, 'document'>;

export interface RopaService {
  /** The records generated now from the live configuration (not stored). */
  generate(db: Kysely<Database>, workspaceId: string): Promise<RopaDocument>;
  /** Stores a new version when the generated records differ from the last one (or always, `on_demand`). */
  record(db: Kysely<Database>, workspaceId: string, reason: 'change' | 'read' | 'on_demand'): Promise<RopaSnapshot>;
  /** The version in force at `at` (ISO timestamp); `NOT_FOUND` when none was taken by then. */
  asOf(db: Kysely<Database>, workspaceId: string, at: string): Promise<RopaSnapshot>;
  versions(db: Kysely<Database>, workspaceId: string): Promise<RopaVersionSummary[]>;
}

export interface RopaServiceDeps {
  readonly catalogue: Catalogue;
  readonly purposes: PurposeRegister;
  readonly organisation: OrganisationStore;
  readonly processors: ProcessorStore;
  readonly transfers: TransferStore;
  /** Configuration facts for the security description (key version, MFA roles, sessions, TLS). */
  readonly securityFacts: (db: Kysely<Database>, workspaceId: string) => Promise<SecurityFacts>;
  readonly now: () => Date;
}

/**
 * The records of processing: generated from the purpose register, the catalogue, the organisation settings, the
 * processor and transfer registers and the configuration; every distinct result is kept as a numbered version with
 * its SHA-256 digest, so an auditor can read the record as it stood on a date.
 *
 * @example
 * const ropa = createRopaService({ catalogue, purposes, organisation, processors, transfers, securityFacts, now });
 * const current = await ropa.record(db, workspaceId, 'read');
 * const then = await ropa.asOf(db, workspaceId, '2026-11-01T23:59:59.999Z');
 */
export function createRopaService(deps: RopaServiceDeps): RopaService {
  async function generate(db: Kysely<Database>, workspaceId: string): Promise<RopaDocument> {
    const [organisation, purposes, categories, attributes, processors, register, roles, security] = await Promise.all([
      deps.organisation.get(db, workspaceId),
      deps.purposes.list(db, workspaceId),
      deps.catalogue.listCategories(db, workspaceId),
      deps.catalogue.listAttributes(db, workspaceId),
      deps.processors.listAll(db, workspaceId),
      deps.transfers.register(db, workspaceId),
      db.selectFrom('roles').select(['name', 'purposes']).where('workspace_id', '=', workspaceId).orderBy('name').execute(),
      deps.securityFacts(db, workspaceId),
    ]);
    return buildRopa({
      organisation,
      purposes,
      categories,
      attributes,
      processors,
      transfers: register.items,
      gaps: register.gaps,
      roles: roles.map((r) => ({ name: r.name, purposes: JSON.parse(r.purposes) as string[] })),
      security,
    });
  }

  const toSnapshot = (r: { version: number; taken_at: string; digest: string; reason: string; content: string }): RopaSnapshot => ({
    version: Number(r.version),
    takenAt: r.taken_at,
    digest: r.digest,
    reason: r.reason,
    document: JSON.parse(r.content) as RopaDocument,
  });

  const latest = (db: Kysely<Database>, workspaceId: string) =>
    db
      .selectFrom('governance_ropa_snapshots')
      .select(['version', 'taken_at', 'digest', 'reason', 'content'])
      .where('workspace_id', '=', workspaceId)
      .orderBy('version', 'desc')
      .limit(1);

  return {
    generate,

    async record(db, workspaceId, reason) {
      const document = await generate(db, workspaceId);
      const digest = canonicalDigest(document);
      for (let attempt = 0; ; attempt += 1) {
        const last = await latest(db, workspaceId).executeTakeFirst();
        if (last && last.digest === digest && reason !== 'on_demand') return toSnapshot(last);
        const row = {
          workspace_id: workspaceId,
          version: (last ? Number(last.version) : 0) + 1,
          digest,
          reason,
          taken_at: deps.now().toISOString(),
          content: JSON.stringify(document),
        };
        try {
          await db.insertInto('governance_ropa_snapshots').values(row).execute();
          return toSnapshot(row);
        } catch (error) {
          // Another process took the same version number at the same moment: read again.
          if (!isUniqueViolation(error) || attempt >= 3) throw error;
        }
      }
    },

    async asOf(db, workspaceId, at) {
      const row = await latest(db, workspaceId).where('taken_at', '<=', at).executeTakeFirst();
      if (!row) throw new AppError('NOT_FOUND', { resource: 'records of processing', detail: 'No version of the records existed at that date' });
      return toSnapshot(row);
    },

    async versions(db, workspaceId) {
      const rows = await db
        .selectFrom('governance_ropa_snapshots')
        .select(['version', 'taken_at', 'digest', 'reason'])
        .where('workspace_id', '=', workspaceId)
        .orderBy('version', 'desc')
        .limit(500)
        .execute();
      return rows.map((r) => ({ version: Number(r.version), takenAt: r.taken_at, digest: r.digest, reason: r.reason }));
    },
  };
}
