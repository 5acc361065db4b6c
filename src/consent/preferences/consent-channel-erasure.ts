import type { PersonEraser } from '../../kernel/erasure/person-erasers.ts';
import { setWiseScope } from '../../kernel/erasure/set-wise-eraser.ts';
import type { PersonReassigner } from '../../crm/merge/person-reassigners.ts';

/**
 * The eraser of the consent channels: a person's pending confirmations and unsubscribe/preference tokens are deleted
 * (their links then lead nowhere). Kept in memory for the reversible phase.
 *
 * @example
 * erasure.erasers.register(consentChannelEraser);
 */
export const consentChannelEraser: PersonEraser = {
  name: 'consent-channels',
  async erase(trx, target) {
    const confirmations = await trx.selectFrom('consent_confirmations').selectAll().where('workspace_id', '=', target.workspaceId).where('person_id', '=', target.personId).execute();
    const tokens = await trx.selectFrom('consent_recipient_tokens').selectAll().where('workspace_id', '=', target.workspaceId).where('person_id', '=', target.personId).execute();
    await trx.deleteFrom('consent_confirmations').where('workspace_id', '=', target.workspaceId).where('person_id', '=', target.personId).execute();
    await trx.deleteFrom('consent_recipient_tokens').where('workspace_id', '=', target.workspaceId).where('person_id', '=', target.personId).execute();
    return {
      erased: confirmations.length + tokens.length,
      undo: async (t) => {
        if (confirmations.length > 0) await t.insertInto('consent_confirmations').values(confirmations).execute();
        if (tokens.length > 0) await t.insertInto('consent_recipient_tokens').values(tokens).execute();
      },
    };
  },
  async eraseMany(trx, targets) {
    const { workspaceId, ids } = setWiseScope(targets);
    await trx.deleteFrom('consent_confirmations').where('workspace_id', '=', workspaceId).where('person_id', 'in', ids).execute();
    await trx.deleteFrom('consent_recipient_tokens').where('workspace_id', '=', workspaceId).where('person_id', 'in', ids).execute();
  },
};

/**
 * On a merge, the merged-away person's pending confirmations and link tokens follow the kept person (a token whose
 * purposes the kept person already has a token for is dropped). Idempotent.
 *
 * @example
 * personReassigners.register(consentChannelReassigner);
 */
export const consentChannelReassigner: PersonReassigner = {
  name: 'consent-channels',
  async reassign(trx, t) {
    const moved = await trx
      .updateTable('consent_confirmations')
      .set({ person_id: t.toPersonId })
      .where('workspace_id', '=', t.workspaceId)
      .where('person_id', '=', t.fromPersonId)
      .executeTakeFirst();
    const kept = new Set(
      (await trx.selectFrom('consent_recipient_tokens').select('purposes').where('workspace_id', '=', t.workspaceId).where('person_id', '=', t.toPersonId).execute()).map((r) => r.purposes),
    );
    const from = await trx.selectFrom('consent_recipient_tokens').select(['id', 'purposes']).where('workspace_id', '=', t.workspaceId).where('person_id', '=', t.fromPersonId).execute();
    for (const row of from) {
      if (kept.has(row.purposes)) await trx.deleteFrom('consent_recipient_tokens').where('id', '=', row.id).execute();
      else await trx.updateTable('consent_recipient_tokens').set({ person_id: t.toPersonId }).where('id', '=', row.id).execute();
    }
    return Number(moved.numUpdatedRows) + from.length;
  },
};
