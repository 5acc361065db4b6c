import type { InvolvedActor } from './incident-from-alert.ts';
import type { AffectedScope } from './affected-scope.ts';
import type { RiskAssessment } from './incident-assessment.ts';
import type { BreachClock } from './breach-clock.ts';

/** The CIA nature of a breach (EDPB guidelines 9/2022: confidentiality, integrity, availability). */
export const breachNatures = ['confidentiality', 'integrity', 'availability'] as const;
export type BreachNature = (typeof breachNatures)[number];

/** Art. 34(3): when the people need not be told although the risk is high. */
export const art34Exemptions = ['unintelligible', 'subsequent_measures', 'disproportionate_effort'] as const;
export type Art34Exemption = (typeof art34Exemptions)[number];

/** A level of the simplified EDPB/ENISA scale (1 low … 4 very high), as in the CNIL method. */
export type Level = 1 | 2 | 3 | 4;

/** Staff's correction of the computed numbers (always with a reason). */
export interface ScopeOverride {
  readonly people: number | null;
  readonly records: number | null;
  readonly categories: readonly string[] | null;
  readonly reason: string;
}

/** What staff record about an incident (the JSON `record` column). No personal data: ids, counts, narrative. */
export interface IncidentRecord {
  readonly nature: readonly BreachNature[];
  /** What happened, in words (no names). */
  readonly description: string;
  /** Accounts whose activity is in question: the scope is computed from their audit entries. */
  readonly involvedActors: readonly InvolvedActor[];
  /** Audit entries cited as evidence (seq numbers). */
  readonly evidenceAuditSeqs: readonly number[];
  /** Last computation from the audit log and the data map. */
  readonly scope: AffectedScope | null;
  readonly scopeOverride: ScopeOverride | null;
  /** Art. 33(3)(c). */
  readonly consequences: string;
  /** Art. 33(3)(d): measures taken. */
  readonly measuresTaken: string;
  /** Art. 33(3)(d): measures proposed, including mitigation. */
  readonly measuresProposed: string;
  /** Plain-language advice to the people (what they can do), for the Art. 34 letter. */
  readonly adviceToPeople: string;
  readonly likelihood: Level | null;
  readonly severity: Level | null;
  readonly art34Exemption: Art34Exemption | null;
  /** Why the authority is not notified (risk unlikely): required to close such an incident. */
  readonly noNotificationReason: string;
  /** Art. 33(1): reasons for a notification later than 72 hours. */
  readonly lateReason: string;
  readonly authorityNotifiedAt: string | null;
  /** The authority's case number, once notified. */
  readonly authorityReference: string;
  readonly peopleNotifiedAt: string | null;
}

/** The numbers the notifications use: the override where staff set one, else the computation. */
export interface EffectiveScope {
  readonly people: number | null;
  readonly records: number | null;
  readonly categories: readonly string[];
  readonly specialCategories: readonly string[];
  readonly source: 'computed' | 'override' | 'none';
}

/** One action in an incident's timeline. */
export interface TimelineEntry {
  readonly id: string;
  readonly at: string;
  readonly recordedAt: string;
  readonly actor: { readonly type: string; readonly id: string | null };
  readonly kind: string;
  readonly note: string;
}

/** An incident as the API returns it. */
export interface Incident extends IncidentRecord {
  readonly id: string;
  readonly reference: string;
  readonly version: number;
  readonly title: string;
  readonly status: 'open' | 'closed';
  readonly occurredFrom: string;
  readonly occurredTo: string | null;
  readonly awareAt: string;
  readonly alertId: string | null;
  readonly clock: BreachClock;
  readonly assessment: RiskAssessment;
  readonly effective: EffectiveScope;
  /** What each draft still lacks (empty when it can be produced). */
  readonly missing: { readonly authority: readonly string[]; readonly people: readonly string[] };
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly closedAt: string | null;
}

/** The record as a new incident starts. */
export const emptyRecord: IncidentRecord = {
  nature: [],
  description: '',
  involvedActors: [],
  evidenceAuditSeqs: [],
  scope: null,
  scopeOverride: null,
  consequences: '',
  measuresTaken: '',
  measuresProposed: '',
  adviceToPeople: '',
  likelihood: null,
  severity: null,
  art34Exemption: null,
  noNotificationReason: '',
  lateReason: '',
  authorityNotifiedAt: null,
  authorityReference: '',
  peopleNotifiedAt: null,
};
