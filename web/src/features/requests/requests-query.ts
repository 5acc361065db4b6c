import type { RequestBody, Success } from '../../api/api-types.ts';

export type RequestList = Success<'/api/v1/requests', 'get'>;
export type DsRequest = Success<'/api/v1/requests/{id}', 'get'>;
export type RequestStep = Success<'/api/v1/requests/{id}/timeline', 'get'>['items'][number];
export type RequestSummary = Success<'/api/v1/requests/summary', 'get'>;
export type LogRequestBody = RequestBody<'/api/v1/requests', 'post'>;
export type RequestStatus = DsRequest['status'];
export type RequestType = DsRequest['type'];
export type IdentityMethod = NonNullable<DsRequest['identityMethod']>;

/** Cache key; every change to a request invalidates it (inbox, detail, timeline and the home widget). */
export const requestsKey = ['requests'] as const;

/** The `If-Match` header of a version read earlier. */
export function ifMatch(version: number): { 'if-match': string } {
  return { 'if-match': `"${version}"` };
}

export const requestTypeLabels: Record<RequestType, string> = {
  access: 'Access (Art. 15)',
  portability: 'Portability (Art. 20)',
  rectification: 'Rectification (Art. 16)',
  erasure: 'Erasure (Art. 17)',
  restriction: 'Restriction (Art. 18)',
  objection: 'Objection (Art. 21)',
  consent_withdrawal: 'Consent withdrawal (Art. 7(3))',
};

export const requestStatusLabels: Record<RequestStatus, string> = {
  received: 'Received',
  identity_unverified: 'Identity unverified',
  verified: 'Verified',
  in_progress: 'In progress',
  awaiting_information: 'Awaiting information',
  extended: 'Extended',
  completed: 'Completed',
  refused: 'Refused',
  cancelled: 'Cancelled',
};

export const identityMethodLabels: Record<IdentityMethod, string> = {
  email_code: 'Code sent by email',
  email_link: 'Link sent by email',
  phone_code: 'Code sent by text message',
  staff_known_contact: 'Known contact (staff)',
  staff_document_check: 'Identity document checked (staff)',
  staff_callback: 'Called back on the number on file (staff)',
};

export const channelLabels: Record<DsRequest['channel'], string> = {
  portal: 'Privacy portal',
  email: 'Email',
  phone: 'Phone',
  letter: 'Letter',
  in_person: 'In person',
  api: 'API',
};

export const slaLabels: Record<DsRequest['sla'], { label: string; color: string }> = {
  on_track: { label: 'On track', color: 'green' },
  due_soon: { label: 'Due soon', color: 'orange' },
  overdue: { label: 'Overdue', color: 'red' },
  closed: { label: 'Closed', color: 'gray' },
};

/** The moves staff may make from a status (the server checks the same lifecycle). */
export const nextStatuses: Record<RequestStatus, RequestStatus[]> = {
  received: ['verified', 'refused', 'cancelled'],
  identity_unverified: ['verified', 'refused', 'cancelled'],
  verified: ['in_progress', 'awaiting_information', 'completed', 'refused', 'cancelled'],
  in_progress: ['awaiting_information', 'completed', 'refused', 'cancelled'],
  awaiting_information: ['in_progress', 'completed', 'refused', 'cancelled'],
  extended: ['in_progress', 'awaiting_information', 'completed', 'refused', 'cancelled'],
  completed: [],
  refused: [],
  cancelled: [],
};

/** Whole days until the deadline (negative when overdue), or null once closed. */
export function daysLeft(r: Pick<DsRequest, 'dueAt' | 'sla'>, now: Date = new Date()): number | null {
  if (r.sla === 'closed') return null;
  return Math.floor((new Date(r.dueAt).getTime() - now.getTime()) / 86_400_000);
}

/** "5 days left", "due today", "3 days overdue". */
export function daysLeftText(r: Pick<DsRequest, 'dueAt' | 'sla'>): string {
  const d = daysLeft(r);
  if (d === null) return '—';
  if (d < 0) return `${-d} day${d === -1 ? '' : 's'} overdue`;
  if (d === 0) return 'due today';
  return `${d} day${d === 1 ? '' : 's'} left`;
}
