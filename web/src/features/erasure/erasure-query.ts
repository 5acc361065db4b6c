import type { Success } from '../../api/api-types.ts';

/** A certificate of erasure as the list shows it (no personal data). */
export type Certificate = Success<'/api/v1/erasure-certificates', 'get'>['items'][number];

/** A certificate with whether its signature verifies. */
export type VerifiedCertificate = Success<'/api/v1/erasure-certificates/{id}', 'get'>;

/** Cache key of the certificates. */
export const certificatesQueryKey = ['erasure-certificates'] as const;

/** What started an erasure. */
export const triggerLabels: Record<Certificate['trigger'], string> = {
  admin_delete: 'Erased by staff',
  request: 'Erasure request (Art. 17)',
  retention: 'Retention period ended',
};
