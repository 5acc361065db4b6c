import { Badge, Button, Card, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';

export const mySessionsQueryKey = ['me', 'sessions'] as const;

/** Where I am signed in, with a button to end any session but this one. */
export function SessionsPanel() {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const sessions = useQuery({
    queryKey: mySessionsQueryKey,
    queryFn: () => body(api.GET('/api/v1/users/me/sessions')),
  });
  const revoke = useMutation({
    mutationFn: async (id: string) => {
      await api.DELETE('/api/v1/users/me/sessions/{id}', { params: { path: { id } } });
    },
    onSuccess: async () => {
      notifications.show({ color: 'green', message: 'Session ended.' });
      await queryClient.invalidateQueries({ queryKey: mySessionsQueryKey });
    },
  });
  return (
    <Card withBorder padding="lg">
      <Title order={2} size="h4" mb="sm">
        My sessions
      </Title>
      <ProblemAlert error={sessions.error ?? revoke.error} />
      {sessions.isPending ? (
        <PageLoader />
      ) : sessions.data ? (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="xs" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Device</Table.Th>
                <Table.Th>IP address</Table.Th>
                <Table.Th>Signed in</Table.Th>
                <Table.Th>Last active</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sessions.data.items.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>
                    <Text size="sm" lineClamp={1} title={s.userAgent ?? undefined}>
                      {describeAgent(s.userAgent)}
                    </Text>
                  </Table.Td>
                  <Table.Td>{s.ip ?? '—'}</Table.Td>
                  <Table.Td>{formatDateTime(s.createdAt)}</Table.Td>
                  <Table.Td>{formatDateTime(s.lastSeenAt)}</Table.Td>
                  <Table.Td>{formatDateTime(s.expiresAt)}</Table.Td>
                  <Table.Td>
                    {s.current ? (
                      <Badge variant="light" color="green">
                        This session
                      </Badge>
                    ) : (
                      <Button
                        size="compact-sm"
                        variant="light"
                        color="red"
                        loading={revoke.isPending && revoke.variables === s.id}
                        onClick={() => revoke.mutate(s.id)}
                        aria-label={`End the session started ${formatDateTime(s.createdAt)}`}
                      >
                        End
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
    </Card>
  );
}

/** A short browser and system name from a user-agent string. */
function describeAgent(userAgent: string | null | undefined): string {
  if (!userAgent) return 'Unknown device';
  const browser = /(Firefox|Edg|Chrome|Safari)\/[\d.]+/.exec(userAgent)?.[1] ?? 'Browser';
  const system = /(Windows|Mac OS X|Android|iPhone|Linux)/.exec(userAgent)?.[1] ?? '';
  const name = browser === 'Edg' ? 'Edge' : browser;
  return system ? `${name} on ${system.replace('Mac OS X', 'macOS')}` : name;
}
