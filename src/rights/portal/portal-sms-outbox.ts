import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import { createSecretBox } from '../../kernel/crypto/secret-box.ts';
import type { SmsMessage, SmsSender } from '../../sms/sms-gateway.ts';

/** Attempts before a text is given up (its payload wiped). */
export const maxSmsAttempts = 5;
/** A claim lapses after this long: a crashed or failed send comes back to the next drain. */
export const smsClaimMs = 60_000;

/** Verification texts to requesters, queued in the submission's transaction and sent after the answer. */
export interface PortalSmsOutbox {
  /** Queues a text (number and message sealed); returns the row id. `expiresAt`: not sent after it. */
  enqueue(trx: Kysely<Database>, item: { workspaceId: string; requestId: string; message: SmsMessage; expiresAt: Date }): Promise<string>;
  /**
   * Claims and sends up to `limit` due texts (or the one `id`) through the workspace's gateway. A failure leaves the
   * row claimed for a minute; the fifth failure, or the code's expiry, gives it up. Returns how many were sent.
   */
  drain(db: Kysely<Database>, senderFor: (workspaceId: string) => Promise<SmsSender | undefined>, options: { limit: number; id?: string }): Promise<number>;
}

/**
 * @example
 * const sms = createPortalSmsOutbox({ clock, serverSecret });
 * const id = await sms.enqueue(trx, { workspaceId, requestId, message: { to: '+447700900123', body }, expiresAt });
 * await sms.drain(db, (ws) => smsSettings.senderFor(db, ws), { limit: 1, id });
 */
export function createPortalSmsOutbox(deps: { readonly clock: Clock; readonly serverSecret: Buffer }): PortalSmsOutbox {
  const box = createSecretBox(deps.serverSecret, 'custodian:portal-sms-outbox:payload');
  const binding = (id: string, workspaceId: string) => `portal_sms_outbox|${workspaceId}|${id}`;

  const giveUp = (db: Kysely<Database>, id: string) =>
    db
      .updateTable('portal_sms_outbox')
      .set({ payload: null, failed_at: deps.clock.now().toISOString(), claimed_until: null })
      .where('id', '=', id)
      .where('sent_at', 'is', null)
      .execute();

  return {
    async enqueue(trx, item) {
      const id = randomUUID();
      await trx
        .insertInto('portal_sms_outbox')
        .values({
          id,
          workspace_id: item.workspaceId,
          request_id: item.requestId,
          payload: box.seal(binding(id, item.workspaceId), JSON.stringify({ to: item.message.to, body: item.message.body })),
          created_at: deps.clock.now().toISOString(),
          expires_at: item.expiresAt.toISOString(),
          attempts: 0,
          claimed_until: null,
          sent_at: null,
          failed_at: null,
        })
        .execute();
      return id;
    },

    async drain(db, senderFor, options) {
      const now = deps.clock.now();
      const nowIso = now.toISOString();
      let query = db
        .selectFrom('portal_sms_outbox')
        .select(['id', 'workspace_id', 'payload', 'attempts', 'expires_at'])
        .where('sent_at', 'is', null)
        .where('failed_at', 'is', null)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', nowIso)]))
        .orderBy('created_at')
        .limit(options.limit);
      if (options.id !== undefined) query = query.where('id', '=', options.id);
      let sent = 0;
      for (const row of await query.execute()) {
        if (row.payload === null || row.attempts >= maxSmsAttempts || Date.parse(row.expires_at) <= now.getTime()) {
          await giveUp(db, row.id);
          continue;
        }
        // A conditional update: with several drains, exactly one claims each row.
        const claimed = await db
          .updateTable('portal_sms_outbox')
          .set({ claimed_until: new Date(now.getTime() + smsClaimMs).toISOString(), attempts: row.attempts + 1 })
          .where('id', '=', row.id)
          .where('attempts', '=', row.attempts)
          .where('sent_at', 'is', null)
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) continue;
        const sender = await senderFor(row.workspace_id);
        if (!sender) {
          await giveUp(db, row.id); // SMS settings removed meanwhile: nothing can send it
          continue;
        }
        const message = JSON.parse(box.open(binding(row.id, row.workspace_id), row.payload)) as SmsMessage;
        try {
          await sender.send(message);
        } catch {
          // Left claimed: it comes back when the claim lapses. Nothing personal to log here.
          if (row.attempts + 1 >= maxSmsAttempts) await giveUp(db, row.id);
          continue;
        }
        await db
          .updateTable('portal_sms_outbox')
          .set({ sent_at: deps.clock.now().toISOString(), payload: null, claimed_until: null })
          .where('id', '=', row.id)
          .execute();
        sent++;
      }
      return sent;
    },
  };
}
