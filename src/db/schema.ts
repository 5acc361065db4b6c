import type { Generated } from 'kysely';
import type { CoreTables } from './core-tables.ts';
import type { KeyTables } from '../kernel/crypto/key-tables.ts';
import type { PeopleTables } from '../kernel/people/people-tables.ts';
import type { ConsentChannelTables } from '../consent/forms/consent-channel-tables.ts';
import type { ConsentTables } from '../consent/consent-tables.ts';
import type { ImportTables } from '../crm/import/import-tables.ts';
import type { GovernanceTables } from '../governance/organisation/governance-tables.ts';
import type { ActivityTables } from '../crm/activities/activity-tables.ts';
import type { TaskTables } from '../crm/tasks/task-tables.ts';
import type { OrganizationTables } from '../crm/organizations/organization-tables.ts';
import type { DealTables } from '../crm/deals/deal-tables.ts';
import type { TrainingTables } from '../governance/training/training-tables.ts';
import type { CustomFieldTables } from '../crm/custom-fields/custom-field-tables.ts';
import type { RequestTables } from '../rights/requests/request-tables.ts';
import type { WebhookTables } from '../webhooks/webhook-tables.ts';
import type { PortalTables } from '../rights/portal/portal-tables.ts';
import type { SmsTables } from '../sms/sms-tables.ts';
import type { FulfilmentTables } from '../rights/fulfilment/fulfilment-tables.ts';
import type { ComplianceTables } from '../monitoring/compliance/compliance-tables.ts';
import type { RetentionTables } from '../rights/retention/retention-tables.ts';
import type { AlertTables } from '../monitoring/alerts/alert-tables.ts';
import type { IncidentTables } from '../monitoring/incidents/incident-tables.ts';

/**
 * Every table Custodian stores, composed from each area's table interfaces. An area adds its own
 * `XTables` interface here and its migration under `src/db/migrations/`.
 */
export interface Database extends CoreTables, KernelTables, KeyTables, PeopleTables, OrganizationTables, DealTables, TrainingTables, CustomFieldTables, ActivityTables, TaskTables, GovernanceTables, ImportTables, ConsentTables, ConsentChannelTables, WebhookTables, RequestTables, PortalTables, FulfilmentTables, ComplianceTables, RetentionTables, AlertTables, IncidentTables, SmsTables {}

/** Privacy kernel: data catalogue, purpose register, standing per purpose (migration 0011). */
export interface KernelTables {
  catalogue_categories: CatalogueCategoryTable;
  catalogue_attributes: CatalogueAttributeTable;
  purposes: PurposeTable;
  purpose_versions: PurposeVersionTable;
  consent_events: ConsentEventTable;
  objections: ObjectionTable;
  restrictions: RestrictionTable;
}

/** A workspace-defined data category (the default taxonomy lives in `src/kernel/catalogue/taxonomy.ts`). */
export interface CatalogueCategoryTable {
  workspace_id: string;
  /** Dotted key, fideslang style (`user.custom.loyalty_tier`). */
  key: string;
  name: string;
  description: string;
  /** 1 for Art. 9 special-category data. */
  special: number;
  /** 1 for Art. 10 criminal-offence data. */
  criminal: number;
  created_at: string;
}

/** A declared personal-data attribute: nothing undeclared may be written. */
export interface CatalogueAttributeTable {
  workspace_id: string;
  /** Entity holding it (`person`). */
  entity: string;
  /** Attribute name on the entity (`email`). */
  attribute: string;
  /** Data category key. */
  category: string;
  /** 1 when special category (Art. 9), from the category or declared. */
  special: number;
  /** `provided`, `observed`, `derived` or `inferred`. */
  source: string;
  /** Default retention, ISO 8601 duration. */
  retention: string;
  /** 1 when exact lookup (blind index) is allowed. */
  searchable: number;
  /** 1 for the attributes Custodian itself declares. */
  builtin: number;
  description: string;
  created_at: string;
  updated_at: string;
}

/** Current version of a purpose; every version is also kept in `purpose_versions`. */
export interface PurposeTable {
  workspace_id: string;
  key: string;
  version: number;
  name: string;
  description: string;
  /** Art. 6(1) basis (`consent`, `contract`, …). */
  lawful_basis: string;
  /** Art. 9(2) condition, or null. */
  art9_condition: string | null;
  legitimate_interest_assessment: string | null;
  /** JSON array of category key prefixes. */
  required_categories: string;
  /** JSON array of category key prefixes. */
  optional_categories: string;
  /** ISO 8601 duration. */
  retention: string;
  /** JSON array of recipient names. */
  recipients: string;
  active: number;
  direct_marketing: number;
  legal_claims: number;
  /** 1 for the built-in data subject requests purpose (migration 0170, ADR 0034). */
  answers_requests: Generated<number>;
  created_at: string;
  updated_at: string;
}

/** One version of a purpose, as it was (append-only). */
export interface PurposeVersionTable {
  workspace_id: string;
  key: string;
  version: number;
  /** JSON of the purpose at this version. */
  snapshot: string;
  /** `create`, `update`, `activate`, `deactivate` or `seed`. */
  change: string;
  actor_type: string;
  actor_id: string | null;
  changed_at: string;
}

/** A consent given or withdrawn (append-only; the latest per person and purpose is current). */
export interface ConsentEventTable {
  id: Generated<number>;
  workspace_id: string;
  person_id: string;
  purpose_key: string;
  /** Version of the purpose the person consented to. */
  purpose_version: number;
  /** `given` or `withdrawn`. */
  state: string;
  /** How it was collected (`web_form`, `email`, …). */
  method: string;
  /** Version of the notice shown, when known. */
  notice_version: string | null;
  recorded_at: string;
  actor_type: string;
  actor_id: string | null;
  /** Public id of the event (receipts name it); null for events recorded before migration 0014. */
  event_id: string | null;
  /** The consent record (`consent_records.id`) the event belongs to. */
  record_id: string | null;
  jurisdiction: string | null;
  language: string | null;
  /** 1 when the consent was explicit (Art. 9(2)(a)). */
  explicit: Generated<number>;
  /** End of validity of a `given`/`renewed` event. */
  expires_at: string | null;
  /** Evidence JSON, encrypted under the person's data key (bound to the event). */
  evidence: Buffer | null;
  /** The form it came through (not personal data; for per-form analytics), or null. */
  form_id: string | null;
}

/** An Art. 21 objection of a person to a purpose. */
export interface ObjectionTable {
  id: string;
  workspace_id: string;
  person_id: string;
  purpose_key: string;
  objected_at: string;
  /** `pending`, `upheld` or `rejected`. */
  outcome: string;
  decided_at: string | null;
  updated_at: string;
}

/** An Art. 18 restriction of processing of a person; lifted when `lifted_at` is set. */
export interface RestrictionTable {
  id: string;
  workspace_id: string;
  person_id: string;
  /** `accuracy_contested`, `unlawful_processing`, `legal_claims` or `objection_pending`. */
  reason: string;
  restricted_at: string;
  lifted_at: string | null;
}
