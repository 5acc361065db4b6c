import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { ConsentEventView } from '../records/consent-types.ts';
import type { ConsentCore } from '../forms/consent-core-ports.ts';
import type { ConsentMail } from './consent-mail.ts';

/** Issues the signed receipt of each `given` event and emails them to the person in one message. */
export type SendReceipts = (
  db: Kysely<Database>,
  to: { workspaceId: string; personId: string; email: string },
  events: readonly ConsentEventView[],
) => Promise<void>;

/**
 * @example
 * const sendReceipts = createSendReceipts({ receipts: core.receipts, mail });
 * await sendReceipts(db, { workspaceId, personId, email }, events);
 */
export function createSendReceipts(deps: { readonly receipts: ConsentCore['receipts']; readonly mail: ConsentMail }): SendReceipts {
  return async (db, to, events) => {
    const given = events.filter((e) => e.state === 'given' || e.state === 'renewed');
    if (given.length === 0) return;
    const receipts = [];
    for (const event of given) {
      const receipt = await deps.receipts.issue(db, to.workspaceId, event.id);
      receipts.push({ purpose: event.purpose, receiptId: receipt.receiptId, jws: receipt.jws });
    }
    await deps.mail.sendReceipts(db, to, receipts);
  };
}
