import type { Db } from '../../db/database.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { EraserRegistry } from '../../kernel/erasure/person-erasers.ts';
import type { SuppressionList } from '../../kernel/erasure/suppression-list.ts';
import type { PeopleService } from '../../kernel/people/people-service.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import type { PersonReassignerRegistry } from '../../crm/merge/person-reassigners.ts';
import { createMailSettingsStore, type MailSettingsStore } from '../../mail/mail-settings.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { createSettingsSecret } from '../../mail/settings-secret.ts';
import { confirmConsent, type ConfirmOutcome } from '../double-opt-in/confirm-consent.ts';
import { createConfirmations, type Confirmations } from '../double-opt-in/confirmations.ts';
import { createConsentMail, type ConsentMail } from '../double-opt-in/consent-mail.ts';
import { createSendReceipts } from '../double-opt-in/send-receipts.ts';
import { createTokenSigner } from '../double-opt-in/signed-token.ts';
import { consentChannelEraser, consentChannelReassigner } from '../preferences/consent-channel-erasure.ts';
import { createPreferenceCentre, type LinkRequest, type PreferenceCentre } from '../preferences/preference-centre.ts';
import { createRecipientTokens } from '../preferences/recipient-tokens.ts';
import { loadWidgetAsset, type WidgetAsset } from '../widget/widget-asset.ts';
import type { ConsentCore } from './consent-core-ports.ts';
import { createFormStore, type FormStore } from './form-store.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { submitForm, type SubmissionAnswer, type SubmissionRequest } from './submit-form.ts';

/** The consent channels as `AppServices` carries them (`consentChannels`). */
export interface ConsentChannels {
  readonly forms: FormStore;
  readonly confirmations: Confirmations;
  readonly preferences: PreferenceCentre;
  readonly mailSettings: MailSettingsStore;
  readonly widget: WidgetAsset;
  /** The consent emails (each with its one-click unsubscribe link). */
  readonly mail: ConsentMail;
  submit(request: SubmissionRequest): Promise<SubmissionAnswer>;
  confirm(token: string, request: LinkRequest): Promise<ConfirmOutcome>;
}

/**
 * Wires forms, the public submission, double opt-in, the preference centre and one-click unsubscribe, SMTP settings
 * and the widget over the consent core; registers the eraser and the merge reassigner of their rows.
 *
 * @example
 * const consentChannels = createConsentChannels({ db, clock, publicUrl, serverSecret, purposes, catalogue, people,
 *   suppression, erasers, personReassigners, mailer, core: { consent, notices, receipts, gpc } });
 */
export function createConsentChannels(deps: {
  readonly db: Db;
  readonly clock: Clock;
  readonly publicUrl: string;
  readonly serverSecret: Buffer;
  readonly purposes: PurposeRegister;
  readonly catalogue: Pick<Catalogue, 'assertDeclared'>;
  readonly people: PeopleService;
  readonly suppression: SuppressionList;
  readonly erasers: EraserRegistry;
  readonly personReassigners: PersonReassignerRegistry;
  readonly mailer: Mailer;
  readonly core: ConsentCore;
  /** Submissions per visitor IP and minute (default 10). */
  readonly perIpPerMinute?: number;
}): ConsentChannels {
  const forms = createFormStore({ dialect: deps.db.dialect, clock: deps.clock, purposes: deps.purposes, catalogue: deps.catalogue, notices: deps.core.notices });
  const mailSettings = createMailSettingsStore({ dialect: deps.db.dialect, clock: deps.clock, secret: createSettingsSecret(deps.serverSecret), fallback: deps.mailer });
  const recipientTokens = createRecipientTokens({ clock: deps.clock, signer: createTokenSigner(deps.serverSecret, 'recipient') });
  const confirmations = createConfirmations({ clock: deps.clock, signer: createTokenSigner(deps.serverSecret, 'double-opt-in') });
  const mail = createConsentMail({ publicUrl: deps.publicUrl, mailSettings, recipientTokens });
  const sendReceipts = createSendReceipts({ receipts: deps.core.receipts, mail });
  const limiter = createRateLimiter({ clock: deps.clock });
  const preferences = createPreferenceCentre({ db: deps.db, purposes: deps.purposes, core: deps.core, recipientTokens });
  deps.erasers.register(consentChannelEraser);
  deps.personReassigners.register(consentChannelReassigner);
  const submitDeps = {
    db: deps.db,
    publicUrl: deps.publicUrl,
    forms,
    limiter,
    people: deps.people,
    suppression: deps.suppression,
    core: deps.core,
    confirmations,
    mail,
    sendReceipts,
    serverSecret: deps.serverSecret,
    ...(deps.perIpPerMinute ? { perIpPerMinute: deps.perIpPerMinute } : {}),
  };
  return {
    forms,
    confirmations,
    preferences,
    mailSettings,
    widget: loadWidgetAsset(),
    mail,
    submit: (request) => submitForm(submitDeps, request),
    confirm: (token, request) => confirmConsent({ db: deps.db, confirmations, core: deps.core, people: deps.people, sendReceipts }, token, request),
  };
}
