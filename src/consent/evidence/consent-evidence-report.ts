import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { ConsentService } from '../records/consent-service.ts';
import type { ConsentEventView } from '../records/consent-types.ts';
import type { ReceiptService } from '../receipts/receipt-service.ts';

/** Which consents an evidence report covers: one person, one purpose or one form (at least one). */
export interface EvidenceFilter {
  readonly personId?: string | undefined;
  readonly purpose?: string | undefined;
  readonly formId?: string | undefined;
}

export interface EvidenceReport {
  readonly generatedAt: string;
  readonly filter: EvidenceFilter;
  /** True when more events matched than a report holds (`maxEvents`). */
  readonly truncated: boolean;
  readonly records: readonly {
    readonly recordId: string;
    readonly subjectPseudonym: string;
    readonly purpose: string;
    readonly events: readonly (ConsentEventView & { readonly receipt: string })[];
  }[];
}

export const maxEvidenceEvents = 5_000;

/**
 * Every consent event matching the filter with its decrypted evidence and its signed receipt, grouped by record: what
 * an auditor asks for to check that a consent was freely given, informed and demonstrable (Art. 7(1)).
 *
 * @example
 * const report = await consentEvidenceReport(db, { consent, receipts }, workspaceId, { purpose: 'email_marketing' }, now);
 */
export async function consentEvidenceReport(
  db: Kysely<Database>,
  deps: { readonly consent: Pick<ConsentService, 'event'>; readonly receipts: Pick<ReceiptService, 'issue'> },
  workspaceId: string,
  filter: EvidenceFilter,
  generatedAt: string,
): Promise<EvidenceReport> {
  if (!filter.personId && !filter.purpose && !filter.formId) {
    throw new AppError('VALIDATION_FAILED', { detail: 'Name a person, a purpose or a form', errors: [{ path: '/query', message: 'personId, purpose or formId required' }] });
  }
  let query = db
    .selectFrom('consent_events as e')
    .innerJoin('persons as p', 'p.id', 'e.person_id')
    .select(['e.event_id', 'e.record_id', 'e.purpose_key', 'p.pseudonym'])
    .where('e.workspace_id', '=', workspaceId)
    .where('e.event_id', 'is not', null);
  if (filter.personId) query = query.where('e.person_id', '=', filter.personId);
  if (filter.purpose) query = query.where('e.purpose_key', '=', filter.purpose);
  if (filter.formId) query = query.where('e.form_id', '=', filter.formId);
  const rows = await query.orderBy('e.id').limit(maxEvidenceEvents + 1).execute();
  const records = new Map<string, { recordId: string; subjectPseudonym: string; purpose: string; events: (ConsentEventView & { receipt: string })[] }>();
  for (const row of rows.slice(0, maxEvidenceEvents)) {
    const event = await deps.consent.event(db, workspaceId, row.event_id!);
    const { jws } = await deps.receipts.issue(db, workspaceId, row.event_id!, event);
    const recordId = row.record_id ?? `legacy-${row.purpose_key}`;
    const entry = records.get(recordId) ?? { recordId, subjectPseudonym: row.pseudonym, purpose: row.purpose_key, events: [] };
    entry.events.push({ ...event, receipt: jws });
    records.set(recordId, entry);
  }
  return { generatedAt, filter, truncated: rows.length > maxEvidenceEvents, records: [...records.values()] };
}
