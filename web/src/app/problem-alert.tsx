import { Alert, List, Text } from '@mantine/core';
import { isApiError } from '../api/api-error.ts';

/**
 * Shows a failed call clearly: the problem's title and detail, invalid fields, and the request id to quote.
 * Renders nothing when there is no error.
 *
 * @example
 * <ProblemAlert error={mutation.error} />
 */
export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  if (error === null || error === undefined) return null;
  if (!isApiError(error)) {
    return (
      <Alert color="red" title={title ?? 'Something went wrong'} role="alert">
        The server could not be reached. Check the connection and try again.
      </Alert>
    );
  }
  return (
    <Alert color="red" title={error.title} role="alert" data-problem-code={error.code}>
      {error.detail && error.detail !== error.title ? <Text size="sm">{error.detail}</Text> : null}
      {error.errors.length > 0 ? (
        <List size="sm" mt="xs">
          {error.errors.map((e) => (
            <List.Item key={`${e.path}:${e.message}`}>
              {e.path ? <code>{e.path}</code> : null} {e.message}
            </List.Item>
          ))}
        </List>
      ) : null}
      {error.retryAfter !== undefined ? (
        <Text size="sm" mt="xs">
          Try again in {error.retryAfter} seconds.
        </Text>
      ) : null}
      <Text size="xs" c="dimmed" mt="xs">
        {error.code}
        {error.requestId ? ` · request ${error.requestId}` : ''}
      </Text>
    </Alert>
  );
}
