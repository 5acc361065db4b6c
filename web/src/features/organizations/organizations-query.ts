import type { RequestBody, Success } from '../../api/api-types.ts';

export type Organization = Success<'/api/v1/organizations/{id}', 'get'>;
export type NewOrganization = RequestBody<'/api/v1/organizations', 'post'>;
export type SizeBand = NonNullable<Organization['sizeBand']>;

/** Cache key of everything about organizations. */
export const organizationsQueryKey = ['organizations'] as const;

export const sizeBands: readonly SizeBand[] = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001+'];

/** One line of an address, parts that are set only. */
export function addressLine(a: Organization['address']): string {
  return [a.street, [a.postalCode, a.city].filter(Boolean).join(' '), a.region, a.country].filter(Boolean).join(', ') || '—';
}
