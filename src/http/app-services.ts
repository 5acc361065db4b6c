import type { ConsentArea } from '../consent/consent-area.ts';
import type { ConsentChannels } from '../consent/forms/consent-channels-area.ts';
import type { KeyFiles } from '../kernel/crypto/key-files.ts';
import type { Catalogue } from '../kernel/catalogue/create-catalogue.ts';
import type { Gate } from '../kernel/gate/create-gate.ts';
import type { PurposeRegister } from '../kernel/purposes/purpose-register.ts';
import type { StandingService } from '../kernel/standing/standing-service.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { BlindIndex } from '../kernel/crypto/blind-index.ts';
import type { FieldCipher } from '../kernel/crypto/field-cipher.ts';
import type { KeyService } from '../kernel/crypto/key-service.ts';
import type { DealsArea } from '../crm/deals/deals-area.ts';
import type { PeopleArea } from '../kernel/people/people-area.ts';
import type { GovernanceArea } from '../governance/organisation/governance-area.ts';
import type { TimelineSourceRegistry } from '../crm/timeline/timeline-source.ts';
import type { PersonReassignerRegistry } from '../crm/merge/person-reassigners.ts';
import type { ImportArea } from '../crm/import/import-area.ts';
import type { TimelineArea } from '../crm/timeline/timeline-area.ts';
import type { TrainingGate } from '../governance/training/training-gate.ts';
import type { CustomFieldArea } from '../crm/custom-fields/custom-field-area.ts';
import type { Exporter } from '../crm/export/create-exporter.ts';
import type { SavedViews } from '../crm/views/saved-views.ts';
import type { GlobalSearch } from '../crm/search/global-search.ts';
import type { PrivacyEvents } from '../kernel/events/privacy-events.ts';
import type { AlertsArea } from '../monitoring/alerts/alerts-area.ts';
import type { IncidentsArea } from '../monitoring/incidents/incidents-area.ts';
import type { AccessExporter } from '../rights/access/access-export-types.ts';
import type { AccessSectionRegistry } from '../rights/access/access-section.ts';
import type { RequestInbox } from '../rights/requests/request-service.ts';
import type { Fulfilment } from '../rights/fulfilment/fulfilment-area.ts';
import type { PrivacyPortal } from '../rights/portal/privacy-portal.ts';
import type { SmsSettingsStore } from '../sms/sms-settings.ts';
import type { WebhooksArea } from '../webhooks/webhooks-area.ts';

import type { ComplianceService } from '../monitoring/compliance/compliance-service.ts';
import type { RetentionArea } from '../rights/retention/retention-area.ts';
/**
 * Long-lived services the app and the CLI share, built once by `createAppServices` (src/services.ts).
 * Each area adds what it provides here.
 */
export interface AppServices extends PeopleArea, ConsentArea, DealsArea, TimelineArea {
  /** KEK and server secret, loaded from outside the database. */
  readonly keyFiles: KeyFiles;
  /** Data catalogue: categories and declared attributes. */
  readonly catalogue: Catalogue;
  /** Purpose register (cached per workspace). */
  readonly purposes: PurposeRegister;
  /** The processing gate every use-case calls before touching personal data. */
  readonly gate: Gate;
  /** A person's standing per purpose: consent, objection, restriction. */
  readonly standing: StandingService;
  /** Outgoing email (SMTP, or a file outbox in development). */
  readonly mailer: Mailer;
  /** Per-person data keys (create, unwrap with a bounded cache, destroy). */
  readonly keys: KeyService;
  /** AES-256-GCM of personal values under a person's data key. */
  readonly fieldCipher: FieldCipher;
  /** Truncated keyed hashes of normalised values for exact lookups. */
  readonly blindIndex: BlindIndex;
  /** Features that contribute entries to record timelines. */
  readonly timelineSources: TimelineSourceRegistry;
  /** Features whose rows follow a person when two people are merged. */
  readonly personReassigners: PersonReassignerRegistry;
  /** CSV imports of people. */
  readonly imports: ImportArea['imports'];
  /** Duplicate detection over encrypted people. */
  readonly duplicates: ImportArea['duplicates'];
  /** Governance registers: organisation, processors, transfers, records of processing, DPIAs. */
  readonly governance: GovernanceArea;
  /** Staff training's precondition of the processing gate (forget a user's outcome when they complete a module). */
  readonly trainingGate: TrainingGate;
  /** Custom field definitions and values (person values encrypted and gated). */
  readonly customFields: CustomFieldArea;
  /** Exports of list views (people through the gate). */
  readonly exporter: Exporter;
  /** Saved list views. */
  readonly savedViews: SavedViews;
  /** Search over organization names and deal titles. */
  readonly globalSearch: GlobalSearch;
  /** Consent forms, widget, double opt-in, unsubscribe links, preference centre, SMTP settings (src/consent/forms…). */
  readonly consentChannels: ConsentChannels;
  /** Privacy events hub: areas emit inside their transactions (webhooks and monitoring subscribe). */
  readonly privacyEvents: PrivacyEvents;
  /** Data subject requests: the inbox (lifecycle, deadlines, notes, results) behind the portal and fulfilment. */
  readonly requests: RequestInbox;
  /** Fulfilment of requests: export, rectification, erasure, restriction, objection, consent withdrawal (src/rights/fulfilment). */
  readonly fulfilment: Fulfilment;
  /** Signed outgoing webhooks for privacy events: endpoints, delivery log, dispatcher (src/webhooks). */
  readonly webhooks: WebhooksArea;
  /** Automated compliance audits: runs of the checks, kept with their findings and score (src/monitoring/compliance). */
  readonly compliance: ComplianceService;
  /** Access and portability exports of one person (Art. 15, 20), through the gate (src/rights/access). */
  readonly accessExporter: AccessExporter;
  /** The sections an access export collects; a feature holding personal data registers its own. */
  readonly accessSections: AccessSectionRegistry;
  /** Retention policies, preview and sweeps, with the batched erasure they run through (src/rights/retention). */
  readonly retention: RetentionArea;
  /** The public privacy portal: submissions, identity checks, status and download links, requester emails (src/rights/portal). */
  readonly privacyPortal: PrivacyPortal;
  /** SMS gateway settings per workspace (src/sms). */
  readonly smsSettings: SmsSettingsStore;
  /** Incident and breach register (Art. 33/34): incidents, 72-hour clock, drafts, recipients (src/monitoring/incidents). */
  readonly incidents: IncidentsArea;
  /** Anomaly detection over the audit log and its alerts (src/monitoring/alerts). */
  readonly alerts: AlertsArea;
}
