import type { Success } from '../../api/api-types.ts';

/** A retention policy as the API returns it. */
export type RetentionPolicy = Success<'/api/v1/retention/policies', 'get'>['items'][number];

/** One page of the preview of the next sweep. */
export type RetentionPreview = Success<'/api/v1/retention/preview', 'get'>;

/** A recorded sweep or dry run. */
export type RetentionSweep = Success<'/api/v1/retention/sweeps', 'get'>['items'][number];

/** Cache keys of the retention page. */
export const retentionKeys = {
  policies: ['retention', 'policies'] as const,
  preview: ['retention', 'preview'] as const,
  sweeps: ['retention', 'sweeps'] as const,
};

/** How each start event reads. */
export const startEventLabels: Record<RetentionPolicy['startEvent'], string> = {
  creation: 'creation of the record',
  last_activity: 'last activity (newest change or linked activity)',
  contract_end: 'end of contract (last deal closed, or former customer)',
  consent_withdrawal: 'withdrawal of consent to the purpose',
};

/** How each action reads. */
export const actionLabels: Record<RetentionPolicy['action'], string> = {
  delete: 'Delete',
  anonymise: 'Anonymise (keep aggregates)',
};
