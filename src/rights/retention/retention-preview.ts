import { compareDue, type DuePerson } from './retention-due.ts';
import type { RetentionAction } from './retention-policies.ts';

/** One page of the preview: what the next sweep would do, by due date, with counts over everyone. */
export interface RetentionPreview {
  /** The next `limit` free persons after the cursor, by due date then id. */
  readonly items: DuePerson[];
  /** True when more free persons follow `items`. */
  readonly more: boolean;
  /** Persons the sweep would erase or anonymise. */
  readonly total: number;
  /** The first `blockedShown` persons under a legal hold, by due date then id. */
  readonly blocked: DuePerson[];
  readonly blockedTotal: number;
  readonly perPolicy: {
    policyId: string;
    policyName: string;
    action: RetentionAction;
    due: number;
    blocked: number;
  }[];
}

/** Keeps the `size` smallest items seen (by `compareDue`), sorted; memory stays at `size`. */
function smallest(size: number) {
  const kept: DuePerson[] = [];
  return {
    kept,
    offer(p: DuePerson) {
      if (size <= 0) return;
      const worst = kept[kept.length - 1];
      if (kept.length >= size && worst && compareDue(p, worst) >= 0) return;
      let lo = 0;
      let hi = kept.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareDue(kept[mid] as DuePerson, p) < 0) lo = mid + 1;
        else hi = mid;
      }
      kept.splice(lo, 0, p);
      if (kept.length > size) kept.pop();
    },
  };
}

/**
 * Folds the pages of `duePersonPages` into one preview page without holding the workspace in memory: counts per
 * policy over everyone, and only the `limit` items after the cursor (and `blockedShown` blocked persons) kept.
 *
 * @example
 * const page = await previewDue(duePersonPages(db, workspaceId, policies, now), { limit: 50, after: ['2027-03-02T10:00:00.000Z', id], blockedShown: 50 });
 */
export async function previewDue(
  pages: AsyncIterable<DuePerson[]>,
  options: { readonly limit: number; readonly after?: readonly [string, string]; readonly blockedShown: number },
): Promise<RetentionPreview> {
  const items = smallest(options.limit);
  const blocked = smallest(options.blockedShown);
  const cursor = options.after
    ? ({ dueAt: options.after[0], personId: options.after[1] } as DuePerson)
    : undefined;
  let total = 0;
  let blockedTotal = 0;
  let afterCursor = 0;
  const perPolicy = new Map<string, RetentionPreview['perPolicy'][number]>();
  for await (const page of pages) {
    for (const p of page) {
      const line = perPolicy.get(p.policyId) ?? {
        policyId: p.policyId,
        policyName: p.policyName,
        action: p.action,
        due: 0,
        blocked: 0,
      };
      perPolicy.set(p.policyId, line);
      if (p.holdIds.length > 0) {
        line.blocked += 1;
        blockedTotal += 1;
        blocked.offer(p);
        continue;
      }
      line.due += 1;
      total += 1;
      if (cursor && compareDue(p, cursor) <= 0) continue;
      afterCursor += 1;
      items.offer(p);
    }
  }
  return {
    items: items.kept,
    more: afterCursor > items.kept.length,
    total,
    blocked: blocked.kept,
    blockedTotal,
    perPolicy: [...perPolicy.values()],
  };
}
