import type { Success } from '../../api/api-types.ts';

/** A console user as `GET /users/:id` describes them. */
export type User = Success<'/api/v1/users/{id}', 'get'>;

/** Cache key of every user list; invalidated after a change. */
export const usersQueryKey = ['users'] as const;
