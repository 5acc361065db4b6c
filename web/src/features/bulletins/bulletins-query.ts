import type { Success } from '../../api/api-types.ts';

export type Bulletin = Success<'/api/v1/bulletins', 'get'>['items'][number];
export type MyBulletin = Success<'/api/v1/bulletins/me', 'get'>['items'][number];

/** Cache key of everything about bulletins; refreshed after publishing or acknowledging. */
export const bulletinsQueryKey = ['bulletins'] as const;
