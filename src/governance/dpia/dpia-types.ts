import type { DpiaScreening, HighRiskCriterion } from './high-risk-criteria.ts';

/** The three feared events of the CNIL method. */
export const dpiaRiskKeys = ['illegitimate_access', 'unwanted_modification', 'disappearance'] as const;
export type DpiaRiskKey = (typeof dpiaRiskKeys)[number];

/** CNIL scale: 1 negligible, 2 limited, 3 significant, 4 maximum. */
export type DpiaLevel = 1 | 2 | 3 | 4;

/** One feared event assessed (CNIL questions 3.2–3.4). */
export interface DpiaRisk {
  readonly impacts: readonly string[];
  readonly threats: readonly string[];
  readonly sources: readonly string[];
  readonly existingMeasures: readonly string[];
  readonly plannedMeasures: readonly string[];
  readonly severity: DpiaLevel | null;
  readonly likelihood: DpiaLevel | null;
}

/** A complementary measure to carry out (CNIL 4.2). */
export interface DpiaAction {
  readonly measure: string;
  /** User responsible. */
  readonly ownerUserId: string;
  readonly dueOn: string;
  readonly status: 'planned' | 'in_progress' | 'done';
}

/** The assessment itself, as a client writes it. */
export interface DpiaInput {
  readonly title: string;
  /** CNIL 1: the processing described, the purposes it covers, the data and its retention. */
  readonly context: {
    readonly description: string;
    readonly purposeKeys: readonly string[];
    readonly dataCategories: readonly string[];
    readonly retention: string;
    readonly supportingAssets: string;
  };
  /** CNIL 2: necessity and proportionality, and the measures protecting data subjects' rights. */
  readonly principles: {
    readonly necessityAndProportionality: string;
    readonly rightsMeasures: string;
  };
  /** WP248 criteria met. */
  readonly criteria: readonly HighRiskCriterion[];
  readonly risks: Readonly<Record<DpiaRiskKey, DpiaRisk>>;
  readonly actionPlan: readonly DpiaAction[];
  /** The DPO's advice (Art. 35(2)). */
  readonly dpoOpinion: string;
  /** Next review, `YYYY-MM-DD`. */
  readonly reviewOn: string | null;
}

/** A stored DPIA with what is derived from it. */
export interface Dpia extends DpiaInput {
  readonly id: string;
  readonly version: number;
  readonly status: 'draft' | 'signed';
  readonly screening: DpiaScreening;
  /** Items to fill in before it can be signed. */
  readonly missing: readonly string[];
  readonly signedAt: string | null;
  readonly signedBy: string | null;
  /** Purpose versions the signature (or last confirming review) covered. */
  readonly signedPurposeVersions: Readonly<Record<string, number>> | null;
  /** Whether a signed DPIA needs review, and why (a covered purpose changed; the review date passed). */
  readonly review: { readonly needed: boolean; readonly reasons: readonly string[] };
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** An empty risk, for new assessments. */
export const emptyRisk: DpiaRisk = {
  impacts: [],
  threats: [],
  sources: [],
  existingMeasures: [],
  plannedMeasures: [],
  severity: null,
  likelihood: null,
};
