import type { Success } from '../../api/api-types.ts';

/** A role as `GET /roles` lists it. */
export type Role = Success<'/api/v1/roles', 'get'>['items'][number];

/** Cache key of the role list; invalidated after a change. */
export const rolesQueryKey = ['roles'] as const;
