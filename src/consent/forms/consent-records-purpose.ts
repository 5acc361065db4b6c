import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { isAppError } from '../../errors.ts';
import type { ActorContext, ProcessingContext } from '../../kernel/gate/processing-context.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';

/**
 * The purpose public consent channels process under: finding or creating the person who fills a form, confirming,
 * unsubscribing. Art. 7(1) obliges the controller to demonstrate consent, so it rests on a legal obligation; it
 * covers only the contact and name categories a form may ask for (ADR 0018).
 */
export const consentRecordsPurposeKey = 'consent_records';

const consentRecordsPurpose = {
  key: consentRecordsPurposeKey,
  name: 'Recording and proving consent',
  description:
    'Keeping the evidence of consent that Art. 7(1) GDPR requires, with the contact details needed to confirm a ' +
    'consent and to let the person withdraw it or change their preferences.',
  lawfulBasis: 'legal_obligation',
  retention: 'P3Y',
  requiredCategories: ['user.contact.email'],
  optionalCategories: ['user.name', 'user.contact.phone_number'],
  active: true,
} as const;

/**
 * Adds the `consent_records` purpose to the register when the workspace lacks it (first form saved).
 *
 * @example
 * await ensureConsentRecordsPurpose(db, purposes, ctx);
 */
export async function ensureConsentRecordsPurpose(db: Kysely<Database>, purposes: PurposeRegister, ctx: ActorContext): Promise<void> {
  if (await purposes.find(db, ctx.workspaceId, consentRecordsPurposeKey)) return;
  try {
    await purposes.create(db, ctx, consentRecordsPurpose);
  } catch (error) {
    // Another request created it meanwhile.
    if (!(isAppError(error) && error.code === 'ALREADY_EXISTS')) throw error;
  }
}

/**
 * The processing context of a public consent channel: the system actor named after the channel, allowed only the
 * `consent_records` purpose and its categories (a purpose-limited scope, not a staff role).
 *
 * @example
 * const ctx = consentChannelContext(form.workspaceId, 'public-form', { requestId: request.id, ip: request.ip });
 */
export function consentChannelContext(
  workspaceId: string,
  channel: string,
  request: { readonly requestId?: string | null; readonly ip?: string | null } = {},
): ProcessingContext {
  return {
    workspaceId,
    actor: { type: 'system', id: channel },
    purpose: consentRecordsPurposeKey,
    role: { purposes: [consentRecordsPurposeKey], dataCategories: ['user.contact.email', 'user.name', 'user.contact.phone_number'] },
    requestId: request.requestId ?? null,
    ip: request.ip ?? null,
  };
}
