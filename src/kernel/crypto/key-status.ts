import type { Db } from '../../db/database.ts';
import { createKekRing } from './kek-ring.ts';
import type { KeyFiles } from './key-files.ts';

/** What `custodian keys status` shows. */
export interface KeyStatus {
  /** The KEK version new data keys are wrapped under. */
  readonly currentKekVersion: number;
  /** Where the KEK comes from. */
  readonly source: 'env' | 'file';
  /** KEK versions this process holds. */
  readonly availableKekVersions: readonly number[];
  /** Live data keys per KEK version. */
  readonly liveKeysByKekVersion: Readonly<Record<string, number>>;
  /** Live data keys not yet on the current version (a rotation to finish when above 0). */
  readonly pendingRotation: number;
  /** Data keys destroyed (crypto-shredded people). */
  readonly destroyed: number;
}

/**
 * Counts data keys per KEK version across all workspaces (the KEK belongs to the installation).
 *
 * @example
 * const status = await describeKeyStatus({ db, keyFiles });
 * status.pendingRotation; // 0 when every live key is on the current KEK
 */
export async function describeKeyStatus(deps: { db: Db; keyFiles: KeyFiles }): Promise<KeyStatus> {
  const ring = createKekRing(deps.keyFiles);
  const current = ring.current().version;
  const rows = await deps.db.kysely
    .selectFrom('person_keys')
    .select((eb) => ['kek_version', eb.fn.countAll<number>().as('n')])
    .where('destroyed_at', 'is', null)
    .groupBy('kek_version')
    .execute();
  const destroyedRow = await deps.db.kysely
    .selectFrom('person_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('destroyed_at', 'is not', null)
    .executeTakeFirstOrThrow();
  const liveKeysByKekVersion: Record<string, number> = {};
  let pendingRotation = 0;
  for (const row of rows) {
    liveKeysByKekVersion[String(row.kek_version)] = Number(row.n);
    if (row.kek_version !== current) pendingRotation += Number(row.n);
  }
  return {
    currentKekVersion: current,
    source: deps.keyFiles.masterKeySource,
    availableKekVersions: ring.versions(),
    liveKeysByKekVersion,
    pendingRotation,
    destroyed: Number(destroyedRow.n),
  };
}
