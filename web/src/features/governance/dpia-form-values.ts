import type { Dpia, DpiaBody } from './governance-query.ts';

type RiskKey = keyof Dpia['risks'];

/** A risk as the form edits it: lists as one line per entry, levels as select values. */
export interface RiskValues {
  impacts: string;
  threats: string;
  sources: string;
  existingMeasures: string;
  plannedMeasures: string;
  severity: string;
  likelihood: string;
}

export interface ActionValues {
  measure: string;
  ownerUserId: string;
  dueOn: string;
  status: 'planned' | 'in_progress' | 'done';
}

/** What the DPIA wizard edits. */
export interface DpiaValues {
  title: string;
  description: string;
  purposeKeys: string[];
  dataCategories: string[];
  retention: string;
  supportingAssets: string;
  necessityAndProportionality: string;
  rightsMeasures: string;
  criteria: string[];
  risks: Record<RiskKey, RiskValues>;
  actionPlan: ActionValues[];
  dpoOpinion: string;
  reviewOn: string;
}

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);
const level = (v: string) => (v === '' ? null : (Number(v) as 1 | 2 | 3 | 4));

/**
 * The form values of a DPIA.
 *
 * @example
 * form.setValues(dpiaValuesOf(dpia));
 */
export function dpiaValuesOf(d: Dpia): DpiaValues {
  const risk = (k: RiskKey): RiskValues => {
    const r = d.risks[k];
    return {
      impacts: r.impacts.join('\n'),
      threats: r.threats.join('\n'),
      sources: r.sources.join('\n'),
      existingMeasures: r.existingMeasures.join('\n'),
      plannedMeasures: r.plannedMeasures.join('\n'),
      severity: r.severity === null ? '' : String(r.severity),
      likelihood: r.likelihood === null ? '' : String(r.likelihood),
    };
  };
  return {
    title: d.title,
    description: d.context.description,
    purposeKeys: [...d.context.purposeKeys],
    dataCategories: [...d.context.dataCategories],
    retention: d.context.retention,
    supportingAssets: d.context.supportingAssets,
    necessityAndProportionality: d.principles.necessityAndProportionality,
    rightsMeasures: d.principles.rightsMeasures,
    criteria: [...d.criteria],
    risks: { illegitimate_access: risk('illegitimate_access'), unwanted_modification: risk('unwanted_modification'), disappearance: risk('disappearance') },
    actionPlan: d.actionPlan.map((a) => ({ ...a })),
    dpoOpinion: d.dpoOpinion,
    reviewOn: d.reviewOn ?? '',
  };
}

/**
 * The request body of the form values.
 *
 * @example
 * api.PUT('/api/v1/governance/dpias/{id}', { body: dpiaBodyOf(values), … });
 */
export function dpiaBodyOf(v: DpiaValues): DpiaBody {
  const risk = (r: RiskValues) => ({
    impacts: lines(r.impacts),
    threats: lines(r.threats),
    sources: lines(r.sources),
    existingMeasures: lines(r.existingMeasures),
    plannedMeasures: lines(r.plannedMeasures),
    severity: level(r.severity),
    likelihood: level(r.likelihood),
  });
  return {
    title: v.title.trim(),
    context: {
      description: v.description,
      purposeKeys: v.purposeKeys,
      dataCategories: v.dataCategories,
      retention: v.retention,
      supportingAssets: v.supportingAssets,
    },
    principles: { necessityAndProportionality: v.necessityAndProportionality, rightsMeasures: v.rightsMeasures },
    criteria: v.criteria as DpiaBody['criteria'],
    risks: {
      illegitimate_access: risk(v.risks.illegitimate_access),
      unwanted_modification: risk(v.risks.unwanted_modification),
      disappearance: risk(v.risks.disappearance),
    },
    actionPlan: v.actionPlan,
    dpoOpinion: v.dpoOpinion,
    reviewOn: v.reviewOn || null,
  };
}

/** The risks of the form values in the shape the risk map reads. */
export function riskLevels(v: DpiaValues): Record<RiskKey, { severity: number | null; likelihood: number | null }> {
  const pick = (r: RiskValues) => ({ severity: level(r.severity), likelihood: level(r.likelihood) });
  return {
    illegitimate_access: pick(v.risks.illegitimate_access),
    unwanted_modification: pick(v.risks.unwanted_modification),
    disappearance: pick(v.risks.disappearance),
  };
}
