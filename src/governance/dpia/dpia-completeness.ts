import { dpiaRiskKeys, type DpiaInput } from './dpia-types.ts';

/**
 * What a DPIA lacks before it can be signed, as field paths: the context, both principles, for each of the three
 * risks its impacts, threats, sources, at least one measure, severity and likelihood, the DPO's opinion and a
 * review date.
 *
 * @example
 * missingDpiaItems(draft); // ['/context/description', '/risks/disappearance/severity', …]
 */
export function missingDpiaItems(d: DpiaInput): string[] {
  const missing: string[] = [];
  if (!d.title.trim()) missing.push('/title');
  if (!d.context.description.trim()) missing.push('/context/description');
  if (d.context.purposeKeys.length === 0) missing.push('/context/purposeKeys');
  if (d.context.dataCategories.length === 0) missing.push('/context/dataCategories');
  if (!d.context.retention.trim()) missing.push('/context/retention');
  if (!d.principles.necessityAndProportionality.trim()) missing.push('/principles/necessityAndProportionality');
  if (!d.principles.rightsMeasures.trim()) missing.push('/principles/rightsMeasures');
  for (const key of dpiaRiskKeys) {
    const r = d.risks[key];
    if (r.impacts.length === 0) missing.push(`/risks/${key}/impacts`);
    if (r.threats.length === 0) missing.push(`/risks/${key}/threats`);
    if (r.sources.length === 0) missing.push(`/risks/${key}/sources`);
    if (r.existingMeasures.length + r.plannedMeasures.length === 0) missing.push(`/risks/${key}/measures`);
    if (r.severity === null) missing.push(`/risks/${key}/severity`);
    if (r.likelihood === null) missing.push(`/risks/${key}/likelihood`);
  }
  if (!d.dpoOpinion.trim()) missing.push('/dpoOpinion');
  if (!d.reviewOn) missing.push('/reviewOn');
  return missing;
}
