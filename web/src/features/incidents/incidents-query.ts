import type { RequestBody, Success } from '../../api/api-types.ts';

export type Incident = Success<'/api/v1/incidents/{id}', 'get'>;
export type IncidentPatch = RequestBody<'/api/v1/incidents/{id}', 'patch'>;
export type NewIncident = RequestBody<'/api/v1/incidents', 'post'>;
export type TimelineEntry = Success<'/api/v1/incidents/{id}/timeline', 'get'>['items'][number];
export type Draft = Success<'/api/v1/incidents/{id}/drafts/{kind}', 'post'>;

/** Cache key of the register; every change invalidates it. */
export const incidentsKey = ['incidents'] as const;

/** The `If-Match` header of a version read earlier. */
export function ifMatch(version: number): { 'if-match': string } {
  return { 'if-match': `"${version}"` };
}

export const natureLabels: Record<Incident['nature'][number], string> = {
  confidentiality: 'Confidentiality (disclosure or access)',
  integrity: 'Integrity (alteration)',
  availability: 'Availability (loss or destruction)',
};

export const levelLabels: Record<1 | 2 | 3 | 4, string> = {
  1: '1 Low',
  2: '2 Medium',
  3: '3 High',
  4: '4 Very high',
};

export const exemptionLabels: Record<NonNullable<Incident['art34Exemption']>, string> = {
  unintelligible: 'Art. 34(3)(a) Data unintelligible (encrypted)',
  subsequent_measures: 'Art. 34(3)(b) Later measures remove the high risk',
  disproportionate_effort: 'Art. 34(3)(c) Disproportionate effort: public communication',
};

export const clockStateLabels: Record<Incident['clock']['state'], string> = {
  running: 'Clock running',
  overdue: 'Overdue',
  met: 'Notified in time',
  late: 'Notified late',
  not_required: 'No notification required',
};

/**
 * "2 d 03:04:05 left" / "overdue by 01:00:00" from a number of milliseconds.
 *
 * @example
 * formatRemaining(3_600_000); // "01:00:00 left"
 */
export function formatRemaining(ms: number): string {
  const abs = Math.abs(ms);
  const days = Math.floor(abs / 86_400_000);
  const rest = abs % 86_400_000;
  const hh = String(Math.floor(rest / 3_600_000)).padStart(2, '0');
  const mm = String(Math.floor((rest % 3_600_000) / 60_000)).padStart(2, '0');
  const ss = String(Math.floor((rest % 60_000) / 1000)).padStart(2, '0');
  const text = `${days > 0 ? `${days} d ` : ''}${hh}:${mm}:${ss}`;
  return ms >= 0 ? `${text} left` : `overdue by ${text}`;
}

/**
 * A `datetime-local` input's value for an instant, in the viewer's zone.
 *
 * @example
 * localInputValue(new Date()); // '2026-03-02T11:00'
 */
export function localInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The ISO instant of a `datetime-local` value (viewer's zone), or '' when it is not a date. */
export function instantOf(local: string): string {
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString();
}
