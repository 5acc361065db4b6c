import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { BrowserRouter } from 'react-router';
import type { ApiClient } from '../api/api-client.ts';
import { ApiProvider } from '../api/api-context.tsx';
import { isApiError } from '../api/api-error.ts';
import { ConsoleRoutes } from './console-routes.tsx';
import { sessionQueryKey } from './session.tsx';
import { theme } from './theme.ts';

const sessionEndedCodes = new Set(['UNAUTHENTICATED', 'SESSION_EXPIRED']);

/**
 * The query cache: client errors are not retried, and a call refused because the session ended marks the session as
 * signed out, which sends the user back to the sign-in page.
 */
export function createConsoleQueryClient(): QueryClient {
  const onError = (error: unknown) => {
    if (isApiError(error) && error.status === 401 && sessionEndedCodes.has(error.code)) {
      queryClient.setQueryData(sessionQueryKey, { authenticated: false });
    }
  };
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        retry: (count, error) => !(isApiError(error) && error.status < 500) && count < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
  return queryClient;
}

/**
 * The whole console: theme, notifications, API client, query cache and router.
 *
 * @example
 * createRoot(element).render(<ConsoleApp client={createApiClient()} />);
 */
export function ConsoleApp({ client }: { client: ApiClient }) {
  const [queryClient] = useState(createConsoleQueryClient);
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <Notifications position="bottom-right" />
      <ApiProvider client={client}>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <ConsoleRoutes />
          </BrowserRouter>
        </QueryClientProvider>
      </ApiProvider>
    </MantineProvider>
  );
}
