import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { addDays, todayOf } from './calendar-date.ts';
import type { GovernanceArea } from './governance-area.ts';

/** A governance item that needs someone's attention. */
export interface DueItem {
  /** Stable key of the item and its kind (`agreement_expiry:<processor id>`). */
  readonly key: string;
  readonly kind: 'agreement_expiry' | 'processor_review' | 'objection_window' | 'transfer_expiry' | 'transfer_flag' | 'dpia_review';
  /** Processor, transfer or DPIA id (console link). */
  readonly resourceId: string;
  readonly title: string;
  /** The date it falls due, when it has one. */
  readonly dueOn: string | null;
  /** The date has passed, or it is flagged now. */
  readonly overdue: boolean;
}

/**
 * Governance items due within `horizonDays` (default 30) or overdue: agreements expiring, processor reviews,
 * sub-processor objection windows closing, transfers expiring or flagged, DPIAs to review (date passed, or a covered
 * purpose changed). Sorted overdue first, then by date.
 *
 * @example
 * const items = await listDueItems(governance, db, workspaceId, clock.now());
 */
export async function listDueItems(
  governance: Pick<GovernanceArea, 'processors' | 'transfers' | 'dpias'>,
  db: Kysely<Database>,
  workspaceId: string,
  now: Date,
  horizonDays = 30,
): Promise<DueItem[]> {
  const today = todayOf(now);
  const horizon = addDays(today, horizonDays);
  const items: DueItem[] = [];
  const dated = (key: string, kind: DueItem['kind'], resourceId: string, title: string, dueOn: string | null) => {
    if (dueOn !== null && dueOn <= horizon) items.push({ key: `${kind}:${key}`, kind, resourceId, title, dueOn, overdue: dueOn < today });
  };
  const [processors, register, dpias] = await Promise.all([
    governance.processors.listAll(db, workspaceId),
    governance.transfers.register(db, workspaceId),
    governance.dpias.listAll(db, workspaceId),
  ]);
  for (const p of processors) {
    dated(p.id, 'agreement_expiry', p.id, `Agreement with ${p.name} expires`, p.agreement?.expiresOn ?? null);
    dated(p.id, 'processor_review', p.id, `Review of ${p.name}`, p.reviewOn);
    if (p.objectionDeadline !== null && p.objectionDeadline >= today) {
      dated(p.id, 'objection_window', p.id, `Objection window for sub-processor ${p.name} closes`, p.objectionDeadline);
    }
  }
  for (const t of register.items) {
    dated(t.id, 'transfer_expiry', t.id, `Transfer tool for ${t.processorName} → ${t.countryName} expires`, t.expiresOn);
    const flags = t.flags.filter((f) => f !== 'expired');
    if (flags.length > 0) {
      items.push({ key: `transfer_flag:${t.id}`, kind: 'transfer_flag', resourceId: t.id, title: `Transfer ${t.processorName} → ${t.countryName}: ${flags.join(', ')}`, dueOn: null, overdue: true });
    }
  }
  for (const g of register.gaps) {
    items.push({ key: `transfer_flag:${g.processorId}:${g.country}`, kind: 'transfer_flag', resourceId: g.processorId, title: `No transfer tool for ${g.processorName} → ${g.countryName}`, dueOn: null, overdue: true });
  }
  for (const d of dpias) {
    if (d.status !== 'signed') continue;
    if (d.review.needed) {
      items.push({ key: `dpia_review:${d.id}`, kind: 'dpia_review', resourceId: d.id, title: `DPIA “${d.title}” needs review: ${d.review.reasons.join('; ')}`, dueOn: d.reviewOn, overdue: true });
    } else {
      dated(d.id, 'dpia_review', d.id, `Review of DPIA “${d.title}”`, d.reviewOn);
    }
  }
  return items.sort((a, b) => Number(b.overdue) - Number(a.overdue) || (a.dueOn ?? '').localeCompare(b.dueOn ?? ''));
}
