import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { body } from '../api/api-client.ts';
import { useApi } from '../api/api-context.tsx';
import type { Success } from '../api/api-types.ts';

/** The signed-in user as `GET /users/me` describes them. */
export type Me = Success<'/api/v1/users/me', 'get'>;

export const sessionQueryKey = ['session'] as const;

export type SessionState =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly error: unknown }
  | { readonly status: 'signed-out' }
  | {
      readonly status: 'signed-in';
      readonly me: Me;
      readonly permissions: ReadonlySet<string>;
      /** The role requires MFA and the user has not enrolled yet: only the enrolment page is usable. */
      readonly mfaEnrolmentRequired: boolean;
    };

/**
 * The current session, from `GET /auth/session` (cached; refreshed after sign-in, sign-out and MFA changes).
 *
 * @example
 * const session = useSession();
 * if (session.status === 'signed-in' && session.permissions.has('users:write')) …
 */
export function useSession(): SessionState {
  const { api } = useApi();
  const query = useQuery({
    queryKey: sessionQueryKey,
    queryFn: () => body(api.GET('/api/v1/auth/session')),
    staleTime: 60_000,
  });
  return useMemo((): SessionState => {
    if (query.isPending) return { status: 'loading' };
    if (query.isError) return { status: 'error', error: query.error };
    const data = query.data;
    if (!data || !data.authenticated || !data.user) return { status: 'signed-out' };
    return {
      status: 'signed-in',
      me: data.user,
      permissions: new Set(data.user.permissions),
      mfaEnrolmentRequired: data.mfaEnrolmentRequired === true,
    };
  }, [query.isPending, query.isError, query.error, query.data]);
}

/**
 * Re-reads the session (after sign-in, MFA changes) and forgets every other cached answer on sign-out.
 *
 * @example
 * const { refreshSession } = useSessionActions();
 * await refreshSession();
 */
export function useSessionActions() {
  const queryClient = useQueryClient();
  const { api, clearCsrfToken } = useApi();
  const refreshSession = useCallback(
    () => queryClient.invalidateQueries({ queryKey: sessionQueryKey }),
    [queryClient],
  );
  const signOut = useCallback(async () => {
    try {
      await api.POST('/api/v1/auth/sign-out');
    } finally {
      clearCsrfToken();
      queryClient.clear();
      queryClient.setQueryData(sessionQueryKey, { authenticated: false });
    }
  }, [api, clearCsrfToken, queryClient]);
  return { refreshSession, signOut };
}
