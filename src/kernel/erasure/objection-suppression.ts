import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { isAppError } from '../../errors.ts';
import type { Clock } from '../clock.ts';
import type { FieldCipher } from '../crypto/field-cipher.ts';
import type { KeyService } from '../crypto/key-service.ts';
import { personBinding, personColumns } from '../people/person-fields.ts';
import type { SuppressionList } from './suppression-list.ts';

/** Called inside the transaction that upholds an objection (Art. 21). */
export type ObjectionUpheldHook = (trx: Kysely<Database>, workspaceId: string, personId: string) => Promise<void>;

/**
 * Writes suppression entries (reason `objected`) for a person whose objection was upheld, so that a later import or
 * form cannot silently re-create them under another record and process or mail them again. The identifiers are
 * decrypted in memory only; only their keyed hashes are stored (and journalled beside the KEK).
 *
 * @example
 * const onObjectionUpheld = createObjectionSuppression({ keys, fieldCipher, suppression, clock });
 * await onObjectionUpheld(trx, workspaceId, personId);
 */
export function createObjectionSuppression(deps: {
  readonly keys: KeyService;
  readonly fieldCipher: FieldCipher;
  readonly suppression: SuppressionList;
  readonly clock: Clock;
}): ObjectionUpheldHook {
  return async (trx, workspaceId, personId) => {
    const row = await trx
      .selectFrom('persons')
      .select(['email', 'phone'])
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', personId)
      .executeTakeFirst();
    if (!row || (!row.email && !row.phone)) return;
    const key = await deps.keys.findDataKey(trx, workspaceId, personId).catch((error: unknown) => {
      if (isAppError(error) && error.code === 'KEY_DESTROYED') return undefined;
      throw error;
    });
    if (!key) return;
    const plain = (attribute: 'email' | 'phone') => {
      const envelope = row[personColumns[attribute]];
      return envelope ? deps.fieldCipher.decrypt(key, envelope, personBinding(workspaceId, personId, attribute)) : null;
    };
    const hashes = deps.suppression.hashes(workspaceId, { email: plain('email'), phone: plain('phone') });
    await deps.suppression.add(trx, workspaceId, hashes, { reason: 'objected', at: deps.clock.now().toISOString(), runId: null });
  };
}
