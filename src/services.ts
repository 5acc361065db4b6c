import { createConsentArea } from './consent/consent-area.ts';
import { createConsentChannels } from './consent/forms/consent-channels-area.ts';
import { createTimelineSourceRegistry } from './crm/timeline/timeline-source.ts';
import { createPersonReassignerRegistry } from './crm/merge/person-reassigners.ts';
import { createImportArea } from './crm/import/import-area.ts';
import { createTimelineArea } from './crm/timeline/timeline-area.ts';
import type { Config } from './config.ts';
import type { Db } from './db/database.ts';
import type { AppServices } from './http/app-services.ts';
import type { Clock } from './kernel/clock.ts';
import { loadKeyFiles } from './kernel/crypto/key-files.ts';
import { createPrivacyKernel } from './kernel/gate/create-privacy-kernel.ts';
import { createMailer } from './mail/mailer.ts';
import { createBlindIndex } from './kernel/crypto/blind-index.ts';
import { createFieldCipher } from './kernel/crypto/field-cipher.ts';
import { createKeyService } from './kernel/crypto/key-service.ts';
import { createPeopleArea } from './kernel/people/people-area.ts';
import { createPersonHistoryTimelineSource } from './kernel/people/person-history-timeline.ts';
import { createGovernanceArea } from './governance/organisation/governance-area.ts';
import { securityFactsFrom } from './governance/ropa/security-facts.ts';
import { findPseudonyms, personExists } from './kernel/people/person-lookups.ts';
import { createTrainingGate } from './governance/training/training-gate.ts';
import { createDealsArea } from './crm/deals/deals-area.ts';
import { createCustomFieldArea } from './crm/custom-fields/custom-field-area.ts';
import { createExporter } from './crm/export/create-exporter.ts';
import { createSavedViews } from './crm/views/saved-views.ts';
import { createGlobalSearch } from './crm/search/global-search.ts';
import { createPrivacyEvents } from './kernel/events/privacy-events.ts';
import type { CustomFilterConfirmer } from './kernel/people/people-list-query.ts';
import { createAlertsArea } from './monitoring/alerts/alerts-area.ts';
import { createIncidentsArea } from './monitoring/incidents/incidents-area.ts';
import { createBuiltinAccessSections } from './rights/access/access-sections.ts';
import { createAccessExporter } from './rights/access/create-access-exporter.ts';
import { createWebhooksArea } from './webhooks/webhooks-area.ts';
import { createObjectionSuppression, type ObjectionUpheldHook } from './kernel/erasure/objection-suppression.ts';
import { createRequestService } from './rights/requests/request-service.ts';
import { createFulfilment } from './rights/fulfilment/fulfilment-area.ts';
import { createPrivacyPortal } from './rights/portal/privacy-portal.ts';
import { createSmsSettingsStore } from './sms/sms-settings.ts';
import { createSmsTokenSecret } from './sms/sms-token-secret.ts';

import { createComplianceService } from './monitoring/compliance/compliance-service.ts';
import { createAuditCheckpoints } from './kernel/audit/audit-checkpoints.ts';
import { createRetentionArea } from './rights/retention/retention-area.ts';
/** Builds the shared services once (used by `main.ts`, the CLI and the test helpers). */
export async function createAppServices(deps: { config: Config; db: Db; clock: Clock }): Promise<AppServices> {
  const { config } = deps;
  const keyFiles = loadKeyFiles({
    dataDir: config.dataDir,
    masterKey: config.masterKey,
    masterKeyPrevious: config.masterKeyPrevious,
  });
  if (keyFiles.generated.length > 0 && config.mode !== 'test') {
    process.stderr.write(
      `warning: generated ${keyFiles.generated.join(' and ')} in ${keyFiles.keysDir}. ` +
        'Production must supply CUSTODIAN_MASTER_KEY and keep these files outside the database backups.\n',
    );
  }
  const keys = createKeyService({ db: deps.db, keyFiles, clock: deps.clock });
  const fieldCipher = createFieldCipher();
  const blindIndex = createBlindIndex({ serverSecret: keyFiles.serverSecret });
  const mailer = createMailer(config);
  // Privacy events (Art. 19 webhooks, monitoring): areas emit inside their transactions; subscribers register below.
  const privacyEvents = createPrivacyEvents({ clock: deps.clock });
  const webhooks = createWebhooksArea({ db: deps.db, clock: deps.clock, serverSecret: keyFiles.serverSecret, mode: config.mode, events: privacyEvents });
  // The standing service is built before the people area that writes suppression entries: bound once both exist.
  const objectionHook: { current?: ObjectionUpheldHook } = {};
  // Likewise the custom-field area, which confirms people-list custom-field filters on decrypted values.
  const customFilterConfirmer: { current?: CustomFilterConfirmer } = {};
  const trainingGate = createTrainingGate({ clock: deps.clock });
  const privacyKernel = createPrivacyKernel({
    dialect: deps.db.dialect,
    clock: deps.clock,
    pseudonymsOf: findPseudonyms,
    personExists,
    actorPrecondition: trainingGate.precondition,
    onObjectionUpheld: async (trx, workspaceId, personId) => objectionHook.current?.(trx, workspaceId, personId),
    events: privacyEvents,
  });
  const peopleArea = createPeopleArea({ db: deps.db, clock: deps.clock, keys, fieldCipher, blindIndex, gate: privacyKernel.gate, purposes: privacyKernel.purposes, catalogue: privacyKernel.catalogue, serverSecret: keyFiles.serverSecret, journalDir: keyFiles.keysDir, events: privacyEvents, customFilterConfirmer });
  objectionHook.current = createObjectionSuppression({ keys, fieldCipher, suppression: peopleArea.suppression, clock: deps.clock });
  const timelineSources = createTimelineSourceRegistry();
  const personReassigners = createPersonReassignerRegistry();
  // CRM features register their erasers (peopleArea.erasure.erasers), timeline sources and reassigners below.
  timelineSources.register(createPersonHistoryTimelineSource(peopleArea.people));
  personReassigners.register({ name: 'person-details', reassign: (trx, target) => peopleArea.people.reassignDetails(trx, target) });
  const customFields = createCustomFieldArea({ db: deps.db, clock: deps.clock, keys, fieldCipher, blindIndex, gate: privacyKernel.gate, catalogue: privacyKernel.catalogue, purposes: privacyKernel.purposes, erasers: peopleArea.erasure.erasers, personReassigners });
  customFilterConfirmer.current = customFields.values.confirmPersonFilters;
  const exporter = createExporter({ db: deps.db, clock: deps.clock, keys, fieldCipher, blindIndex, gate: privacyKernel.gate, purposes: privacyKernel.purposes, catalogue: privacyKernel.catalogue, customFields });
  const savedViews = createSavedViews({ db: deps.db, clock: deps.clock });
  const globalSearch = createGlobalSearch({ db: deps.db });
  const dealsArea = createDealsArea({ db: deps.db, clock: deps.clock, gate: privacyKernel.gate, erasers: peopleArea.erasure.erasers, personReassigners, timelineSources });
  const timelineArea = createTimelineArea({ db: deps.db, clock: deps.clock, keys, fieldCipher, gate: privacyKernel.gate, purposes: privacyKernel.purposes, catalogue: privacyKernel.catalogue, erasers: peopleArea.erasure.erasers, timelineSources, personReassigners });
  const governance = createGovernanceArea({ dialect: deps.db.dialect, clock: deps.clock, catalogue: privacyKernel.catalogue, purposes: privacyKernel.purposes, securityFacts: securityFactsFrom({ config, keyFiles }) });
  const importArea = createImportArea({ db: deps.db, clock: deps.clock, gate: privacyKernel.gate, keys, fieldCipher, blindIndex, people: peopleArea.people, purposes: privacyKernel.purposes });
  const consentArea = createConsentArea({ db: deps.db, clock: deps.clock, keys, fieldCipher, purposes: privacyKernel.purposes, catalogue: privacyKernel.catalogue, standing: privacyKernel.standing, keysDir: keyFiles.keysDir, baseUrl: config.publicUrl, events: privacyEvents });
  const consentChannels = createConsentChannels({ db: deps.db, clock: deps.clock, publicUrl: config.publicUrl, serverSecret: keyFiles.serverSecret, purposes: privacyKernel.purposes, catalogue: privacyKernel.catalogue, people: peopleArea.people, suppression: peopleArea.suppression, erasers: peopleArea.erasure.erasers, personReassigners, mailer, core: consentArea });
  // Data subject requests (src/rights/requests): the inbox the portal and fulfilment build on.
  const requests = createRequestService({ db: deps.db.kysely, dialect: deps.db.dialect, clock: deps.clock, keys, fieldCipher, blindIndex, privacyEvents, mailer, gate: privacyKernel.gate });
  // Privacy portal (src/rights/portal): public pages per workspace; emails requesters when a request is extended, completed or refused.
  // SMS channel (src/sms): a workspace's HTTP SMS gateway, token sealed; the portal texts codes through it.
  const smsSettings = createSmsSettingsStore({ dialect: deps.db.dialect, clock: deps.clock, secret: createSmsTokenSecret(keyFiles.serverSecret), mode: config.mode });
  const privacyPortal = createPrivacyPortal({ db: deps.db, clock: deps.clock, requests, purposes: privacyKernel.purposes, serverSecret: keyFiles.serverSecret, publicUrl: config.publicUrl, mailerFor: (db, workspaceId) => consentChannels.mailSettings.mailerFor(db, workspaceId), smsSenderFor: (db, workspaceId) => smsSettings.senderFor(db, workspaceId) });
  privacyEvents.subscribe(privacyPortal.outbox.subscriber);
  // Automated compliance audits (src/monitoring/compliance): checks over the live configuration, kept runs and scores.
  const compliance = createComplianceService({ db: deps.db, clock: deps.clock, keyFiles, checkpoints: createAuditCheckpoints({ keysDir: keyFiles.keysDir, dataDir: config.dataDir }) });
  // Access and portability exports (src/rights/access): one section per kind of personal data we hold.
  const accessSections = createBuiltinAccessSections({ fieldCipher, keys, consent: consentArea.consent, receipts: consentArea.receipts, catalogue: privacyKernel.catalogue, purposes: privacyKernel.purposes, governance });
  const accessExporter = createAccessExporter({ clock: deps.clock, gate: privacyKernel.gate, keys, catalogue: privacyKernel.catalogue, purposes: privacyKernel.purposes, sections: accessSections });
  const retention = createRetentionArea({ db: deps.db, clock: deps.clock, keys, fieldCipher, suppression: peopleArea.suppression, erasure: peopleArea.erasure, purposes: privacyKernel.purposes, catalogue: privacyKernel.catalogue, serverSecret: keyFiles.serverSecret, journalDir: keyFiles.keysDir, events: privacyEvents });
  // Request fulfilment (src/rights/fulfilment): export, rectification, erasure, restriction, objection, consent withdrawal.
  const fulfilment = createFulfilment({ db: deps.db, clock: deps.clock, requests, accessExporter, people: peopleArea.people, standing: privacyKernel.standing, erasure: peopleArea.erasure, purposes: privacyKernel.purposes, processors: governance.processors, privacyEvents, mailerFor: (db, workspaceId) => consentChannels.mailSettings.mailerFor(db, workspaceId) });
  // Incident and breach register (src/monitoring/incidents): alerts open incidents through it.
  const incidents = createIncidentsArea({ dialect: deps.db.dialect, clock: deps.clock, catalogue: privacyKernel.catalogue, purposes: privacyKernel.purposes, organisation: governance.organisation, privacyEvents, keys, fieldCipher, gate: privacyKernel.gate });
  // Anomaly detection and alerts (src/monitoring/alerts): the detector is started by main.ts.
  const alerts = createAlertsArea({ db: deps.db, clock: deps.clock, catalogue: privacyKernel.catalogue, mailer, privacyEvents, serverSecret: keyFiles.serverSecret, publicUrl: config.publicUrl });
  return { ...consentArea, incidents, privacyEvents, webhooks, consentChannels, ...importArea, keyFiles, keys, fieldCipher, blindIndex, mailer, governance, ...privacyKernel, ...peopleArea, timelineSources, personReassigners, trainingGate, customFields, ...dealsArea, ...timelineArea, exporter, savedViews, globalSearch, requests, compliance, accessExporter, accessSections, retention, privacyPortal, smsSettings, alerts, fulfilment };
}
