import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { MailMessage } from '../../mail/mailer.ts';
import type { MailSettingsStore } from '../../mail/mail-settings.ts';
import { listUnsubscribeHeaders } from '../../mail/list-unsubscribe.ts';
import type { RecipientTokens } from '../preferences/recipient-tokens.ts';

/** A signed receipt to send: the purpose it is about and its JWS. */
export interface ReceiptToSend {
  readonly purpose: string;
  readonly receiptId: string;
  readonly jws: string;
}

/** Emails of the consent channels. Each carries the recipient's RFC 8058 one-click unsubscribe link. */
export interface ConsentMail {
  sendConfirmation(db: Kysely<Database>, to: { workspaceId: string; personId: string; email: string }, input: { formTitle: string; purposeLabels: readonly string[]; purposes: readonly string[]; token: string }): Promise<void>;
  sendReceipts(db: Kysely<Database>, to: { workspaceId: string; personId: string; email: string }, receipts: readonly ReceiptToSend[]): Promise<void>;
  /** Tells the person a consent expires soon, with the preference-centre link to renew it (or let it lapse). */
  sendRenewalReminder(db: Kysely<Database>, to: { workspaceId: string; personId: string; email: string }, input: { purpose: string; purposeName: string; expiresAt: string }): Promise<void>;
}

/**
 * @example
 * const mail = createConsentMail({ publicUrl, mailSettings, recipientTokens });
 * await mail.sendConfirmation(db, { workspaceId, personId, email }, { formTitle, purposeLabels, purposes, token });
 */
export function createConsentMail(deps: { readonly publicUrl: string; readonly mailSettings: MailSettingsStore; readonly recipientTokens: RecipientTokens }): ConsentMail {
  async function send(db: Kysely<Database>, to: { workspaceId: string; personId: string; email: string }, purposes: readonly string[], message: Omit<MailMessage, 'to' | 'headers'>, extra: (links: { preferences: string }) => string) {
    const token = await deps.recipientTokens.tokenFor(db, to.workspaceId, to.personId, purposes);
    const unsubscribe = `${deps.publicUrl}/u/${token}`;
    const preferences = `${deps.publicUrl}/p/${token}`;
    const mailer = await deps.mailSettings.mailerFor(db, to.workspaceId);
    await mailer.send({
      ...message,
      to: to.email,
      text: `${message.text}${extra({ preferences })}\n\nTo stop receiving these emails: ${unsubscribe}\nYour preferences: ${preferences}\n`,
      headers: listUnsubscribeHeaders(unsubscribe),
    });
  }
  return {
    sendConfirmation: (db, to, input) =>
      send(
        db,
        to,
        input.purposes,
        {
          subject: `Please confirm: ${input.formTitle}`,
          text:
            `You (or someone using this address) asked for:\n${input.purposeLabels.map((l) => `- ${l}`).join('\n')}\n\n` +
            `Nothing happens until you confirm. Open this link and press "Confirm" (valid for 48 hours):\n` +
            `${deps.publicUrl}/c/${input.token}\n\nIf you did not ask for this, ignore this email.`,
        },
        () => '',
      ),
    sendReceipts: (db, to, receipts) =>
      send(
        db,
        to,
        receipts.map((r) => r.purpose),
        {
          subject: 'Your consent receipt',
          text:
            `Thank you for confirming. Attached is a signed receipt for each consent you gave:\n` +
            `${receipts.map((r) => `- ${r.purpose} (receipt ${r.receiptId})`).join('\n')}\n\n` +
            'Each receipt is a JSON Web Signature (JWS) signed with our key: keep it as proof of what you agreed to.',
          attachments: receipts.map((r) => ({ filename: `consent-receipt-${r.purpose}.jws`, content: r.jws, contentType: 'application/jose' })),
        },
        ({ preferences }) => `\nYou can withdraw at any time, as easily as you gave it: ${preferences}`,
      ),
    sendRenewalReminder: (db, to, input) =>
      send(
        db,
        to,
        [input.purpose],
        {
          subject: `Your consent expires soon: ${input.purposeName}`,
          text:
            `The consent you gave us for "${input.purposeName}" expires on ${input.expiresAt.slice(0, 10)}.\n\n` +
            'If you want us to go on, renew it from your preferences. If you do nothing, it simply lapses and we stop.',
        },
        ({ preferences }) => `\nRenew or change it here: ${preferences}`,
      ),
  };
}
