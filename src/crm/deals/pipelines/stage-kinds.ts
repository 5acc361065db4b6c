/** What a stage means for its deals: still open, won or lost. A deal's status is its stage's kind. */
export const stageKinds = ['open', 'won', 'lost'] as const;
export type StageKind = (typeof stageKinds)[number];

/**
 * The deal columns that follow from entering a stage of `kind`: closing sets `closed_at` (kept when it already was
 * closed the same way), reopening clears it and the reason.
 *
 * @example
 * closingColumns('won', { status: 'open', closed_at: null, close_reason: null }, now); // { status: 'won', closed_at: now, close_reason: null }
 */
export function closingColumns(
  kind: StageKind,
  current: { readonly status: string; readonly closed_at: string | null; readonly close_reason: string | null },
  at: string,
): { status: StageKind; closed_at: string | null; close_reason: string | null } {
  if (kind === 'open') return { status: 'open', closed_at: null, close_reason: null };
  if (current.status === kind) return { status: kind, closed_at: current.closed_at ?? at, close_reason: current.close_reason };
  return { status: kind, closed_at: at, close_reason: null };
}
