import { art28TermKeys, type ProcessorInput } from './processor-types.ts';

/**
 * The items a processor record still lacks before it counts as complete, as field paths. Roles that act under an
 * Art. 28 contract need all eight Art. 28(3) terms; a joint controller needs its Art. 26 arrangement signed; a plain
 * recipient needs no agreement.
 *
 * @example
 * missingProcessorItems({ name: 'Mailer Inc', role: 'processor' }); // ['/services', '/dataCategories', …]
 */
export function missingProcessorItems(p: ProcessorInput): string[] {
  const missing: string[] = [];
  if (!p.services?.trim()) missing.push('/services');
  if (!p.dataCategories?.length) missing.push('/dataCategories');
  if (!p.purposes?.length) missing.push('/purposes');
  if (!p.countries?.length) missing.push('/countries');
  if (!p.reviewOn) missing.push('/reviewOn');
  if (p.role !== 'recipient') {
    if (!p.agreement?.signedOn) missing.push('/agreement/signedOn');
    if (!p.agreement?.documentReference?.trim()) missing.push('/agreement/documentReference');
  }
  if (p.role === 'processor' || p.role === 'sub_processor') {
    const terms = new Set(p.agreement?.terms ?? []);
    for (const key of art28TermKeys) if (!terms.has(key)) missing.push(`/agreement/terms/${key}`);
  }
  if (p.role === 'sub_processor') {
    if (!p.parentId) missing.push('/parentId');
    if (!p.subProcessorNotice) missing.push('/subProcessorNotice');
  }
  return missing;
}
