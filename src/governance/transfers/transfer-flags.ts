import { adequacyDecisionFor } from './adequacy-decisions.ts';
import type { TransferFlag, TransferTool } from './transfer-types.ts';

/** What the flags of a transfer depend on. */
export interface TransferFacts {
  readonly country: string;
  readonly tool: TransferTool;
  readonly tiaReference: string | null;
  readonly expiresOn: string | null;
}

/**
 * Why the tool of a transfer does not fit its country on `on`, or null when it fits: adequacy needs a decision in
 * force that covers the country generally (the US decision covers DPF-certified organisations only), and DPF
 * certification exists for the United States only.
 *
 * @example
 * toolUnfitReason({ country: 'US', tool: 'adequacy' }, '2026-11-01'); // 'the US decision covers DPF-certified …'
 */
export function toolUnfitReason(t: Pick<TransferFacts, 'country' | 'tool'>, on: string): string | null {
  if (t.tool === 'adequacy') {
    const decision = adequacyDecisionFor(t.country, on);
    if (!decision) return 'no adequacy decision is in force for this country';
    if (decision.coverage === 'dpf') return 'the decision covers DPF-certified organisations only: record the tool as dpf';
  }
  if (t.tool === 'dpf' && t.country !== 'US') return 'the EU–US Data Privacy Framework covers transfers to the United States only';
  return null;
}

/**
 * The flags of a transfer on `on` (`YYYY-MM-DD`): tool unfit, expired, or SCC/BCR without a transfer impact
 * assessment.
 *
 * @example
 * transferFlags({ country: 'US', tool: 'scc', tiaReference: null, expiresOn: '2026-01-01' }, '2026-11-01');
 * // ['expired', 'no_tia']
 */
export function transferFlags(t: TransferFacts, on: string): TransferFlag[] {
  const flags: TransferFlag[] = [];
  if (toolUnfitReason(t, on)) flags.push('tool_unfit');
  if (t.expiresOn !== null && t.expiresOn < on) flags.push('expired');
  if ((t.tool === 'scc' || t.tool === 'bcr') && !t.tiaReference) flags.push('no_tia');
  return flags;
}
