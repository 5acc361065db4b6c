import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { BlindIndex } from '../crypto/blind-index.ts';
import { appendSuppressionJournal } from './suppression-journal.ts';

/** What a suppression entry is keyed by. */
export const suppressionKinds = ['email', 'phone'] as const;
export type SuppressionKind = (typeof suppressionKinds)[number];

/** Why an entry exists. */
export type SuppressionReason = 'erased' | 'objected';

/** The identifiers of a person, in plaintext, only ever held in memory for as long as the call lasts. */
export interface SuppressionIdentifiers {
  readonly email?: string | null | undefined;
  readonly phone?: string | null | undefined;
}

/** A keyed hash ready to store or look up. */
export interface SuppressionHash {
  readonly kind: SuppressionKind;
  readonly hash: Buffer;
}

/**
 * The suppression list: full (untruncated) HMAC-SHA256 of the normalised email and phone, keyed with a key derived
 * from the server secret (`keyed-hash:suppression-<kind>`), so that an erased or objecting person is not silently
 * re-created or re-mailed. The list holds no ciphertext and no value: only the hash. Entries are also journalled
 * beside the KEK (`suppression-journal.ts`), so that restoring an older backup does not forget them.
 */
export interface SuppressionList {
  /** Hashes of the identifiers given (empty values are skipped). */
  hashes(workspaceId: string, ids: SuppressionIdentifiers): SuppressionHash[];
  /** The kinds among `ids` that are suppressed (for any reason, or only for the `reasons` given). */
  matches(
    db: Kysely<Database>,
    workspaceId: string,
    ids: SuppressionIdentifiers,
    options?: { readonly reasons?: readonly SuppressionReason[] },
  ): Promise<SuppressionKind[]>;
  /** Adds hashes (already there: kept as is), journalled first beside the KEK when a journal folder is configured. */
  add(
    db: Kysely<Database>,
    workspaceId: string,
    hashes: readonly SuppressionHash[],
    entry: { reason: SuppressionReason; at: string; runId: string | null },
  ): Promise<void>;
}

/**
 * @example
 * const suppression = createSuppressionList({ blindIndex });
 * const hashes = suppression.hashes(workspaceId, { email: 'ada@example.com' });
 * await suppression.add(trx, workspaceId, hashes, { reason: 'erased', at: isoNow(clock), runId });
 * await suppression.matches(trx, workspaceId, { email: ' ADA@example.com ' }); // ['email']
 */
export function createSuppressionList(deps: {
  readonly blindIndex: BlindIndex;
  /** Folder of the suppression journal (the keys folder, outside the database and its backups). */
  readonly journalDir?: string;
}): SuppressionList {
  const hashes: SuppressionList['hashes'] = (workspaceId, ids) => {
    const out: SuppressionHash[] = [];
    for (const kind of suppressionKinds) {
      const value = ids[kind];
      if (typeof value !== 'string' || value.trim() === '') continue;
      out.push({ kind, hash: deps.blindIndex.keyedHash(workspaceId, `suppression-${kind}`, value, kind) });
    }
    return out;
  };
  return {
    hashes,
    async matches(db, workspaceId, ids, options = {}) {
      const wanted = hashes(workspaceId, ids);
      if (wanted.length === 0) return [];
      // One round trip for both identifiers.
      let query = db
        .selectFrom('suppressions')
        .select('kind')
        .where('workspace_id', '=', workspaceId)
        .where((eb) => eb.or(wanted.map((w) => eb.and([eb('kind', '=', w.kind), eb('hash', '=', w.hash)]))));
      if (options.reasons) query = query.where('reason', 'in', [...options.reasons]);
      const rows = await query.execute();
      const found = new Set(rows.map((r) => r.kind));
      return suppressionKinds.filter((k) => found.has(k));
    },
    async add(db, workspaceId, list, entry) {
      if (deps.journalDir && list.length > 0) {
        appendSuppressionJournal(
          deps.journalDir,
          list.map((h) => ({ workspaceId, kind: h.kind, hash: h.hash.toString('hex'), reason: entry.reason, at: entry.at, runId: entry.runId })),
        );
      }
      for (const { kind, hash } of list) {
        await db
          .insertInto('suppressions')
          .values({ workspace_id: workspaceId, kind, hash, reason: entry.reason, created_at: entry.at, run_id: entry.runId })
          .onConflict((oc) => oc.columns(['workspace_id', 'kind', 'hash']).doNothing())
          .execute();
      }
    },
  };
}
