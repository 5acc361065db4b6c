import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../../db/schema.ts';

export interface ConsentAnalytics {
  readonly from: string;
  readonly to: string;
  /** Per consent-based purpose (and per form): daily counts of events by state, and the current picture. */
  readonly purposes: readonly PurposeConsentStats[];
  readonly forms: readonly FormConsentStats[];
}

export interface FormConsentStats {
  readonly formId: string;
  readonly given: number;
  readonly requested: number;
  readonly withdrawn: number;
  /** Per day: consents given (confirmed) and withdrawn that came through the form. */
  readonly daily: readonly { readonly day: string; readonly given: number; readonly withdrawn: number }[];
}

export interface PurposeConsentStats {
  readonly purpose: string;
  readonly daily: readonly { readonly day: string; readonly given: number; readonly withdrawn: number; readonly refused: number; readonly requested: number }[];
  /** Records whose consent is valid now. */
  readonly valid: number;
  /** Records in any state (the denominator of the consent rate). */
  readonly records: number;
  /** `valid / records`, 0 when there is no record. */
  readonly rate: number;
  /** Valid records expiring within 30 days. */
  readonly expiringSoon: number;
}

/**
 * Consent analytics for the console: events per day and purpose over a window, the consent rate now, withdrawals,
 * and consents expiring within 30 days; per form as well. Counts only: no person is named.
 *
 * @example
 * const stats = await consentAnalytics(db, workspaceId, { from: '2026-09-01T00:00:00.000Z', now });
 */
export async function consentAnalytics(db: Kysely<Database>, workspaceId: string, window: { from: string; now: string }): Promise<ConsentAnalytics> {
  const day = sql<string>`substr(recorded_at, 1, 10)`;
  const events = await db
    .selectFrom('consent_events')
    .select(['purpose_key', 'state', day.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('recorded_at', '>=', window.from)
    .groupBy(['purpose_key', 'state', day])
    .execute();
  const records = await db
    .selectFrom('consent_records')
    .select(['purpose_key', 'state', 'expires_at'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  const soon = new Date(Date.parse(window.now) + 30 * 86_400_000).toISOString();
  const purposes = [...new Set([...events.map((e) => e.purpose_key), ...records.map((r) => r.purpose_key)])].sort();
  const stats: PurposeConsentStats[] = purposes.map((purpose) => {
    const days = new Map<string, { day: string; given: number; withdrawn: number; refused: number; requested: number }>();
    for (const e of events.filter((x) => x.purpose_key === purpose)) {
      const entry = days.get(e.day) ?? { day: e.day, given: 0, withdrawn: 0, refused: 0, requested: 0 };
      const n = Number(e.n);
      if (e.state === 'given' || e.state === 'renewed') entry.given += n;
      else if (e.state === 'withdrawn' || e.state === 'revoked') entry.withdrawn += n;
      else if (e.state === 'refused') entry.refused += n;
      else if (e.state === 'requested') entry.requested += n;
      days.set(e.day, entry);
    }
    const mine = records.filter((r) => r.purpose_key === purpose);
    const validRecords = mine.filter((r) => (r.state === 'given' || r.state === 'renewed') && (r.expires_at === null || r.expires_at > window.now));
    return {
      purpose,
      daily: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)),
      valid: validRecords.length,
      records: mine.length,
      rate: mine.length === 0 ? 0 : validRecords.length / mine.length,
      expiringSoon: validRecords.filter((r) => r.expires_at !== null && r.expires_at <= soon).length,
    };
  });
  const formRows = await db
    .selectFrom('consent_events')
    .select(['form_id', 'state', day.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('form_id', 'is not', null)
    .where('recorded_at', '>=', window.from)
    .groupBy(['form_id', 'state', day])
    .execute();
  const forms = new Map<string, { formId: string; given: number; requested: number; withdrawn: number; days: Map<string, { day: string; given: number; withdrawn: number }> }>();
  for (const r of formRows) {
    const entry = forms.get(r.form_id!) ?? { formId: r.form_id!, given: 0, requested: 0, withdrawn: 0, days: new Map() };
    const daily = entry.days.get(r.day) ?? { day: r.day, given: 0, withdrawn: 0 };
    const n = Number(r.n);
    if (r.state === 'given' || r.state === 'renewed') {
      entry.given += n;
      daily.given += n;
    } else if (r.state === 'requested') entry.requested += n;
    else if (r.state === 'withdrawn') {
      entry.withdrawn += n;
      daily.withdrawn += n;
    }
    entry.days.set(r.day, daily);
    forms.set(r.form_id!, entry);
  }
  const formStats: FormConsentStats[] = [...forms.values()].map(({ days, ...totals }) => ({
    ...totals,
    daily: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)),
  }));
  return { from: window.from, to: window.now, purposes: stats, forms: formStats };
}
