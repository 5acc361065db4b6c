import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { daysLeftText, requestsKey, requestTypeLabels } from './requests-query.ts';

/** Home widget "Requests due": open requests overdue or due within 7 days, earliest first, and the counts. */
export function RequestsDueWidget() {
  const { api } = useApi();
  const summary = useQuery({
    queryKey: [...requestsKey, 'summary'],
    queryFn: () => body(api.GET('/api/v1/requests/summary')),
  });
  const due = useQuery({
    queryKey: [...requestsKey, 'due-widget'],
    queryFn: async () => {
      const [late, soon] = await Promise.all(
        (['overdue', 'due_soon'] as const).map((sla) =>
          body(api.GET('/api/v1/requests', { params: { query: { sla, limit: 8 } } })),
        ),
      );
      return { items: [...(late?.items ?? []), ...(soon?.items ?? [])] };
    },
  });
  const items = due.data?.items ?? [];
  const overdue = summary.data?.overdue ?? 0;
  return (
    <Card withBorder padding="lg">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          Requests due
        </Title>
        <Badge
          color={overdue > 0 ? 'red' : 'gray'}
          variant={overdue > 0 ? 'filled' : 'light'}
          data-testid="requests-overdue"
        >
          {overdue} overdue
        </Badge>
      </Group>
      <ProblemAlert error={summary.error ?? due.error} />
      {summary.data ? (
        <Text size="xs" c="dimmed" mb="xs">
          {summary.data.open} open · {summary.data.dueSoon} due within 7 days · {summary.data.unassigned}{' '}
          unassigned
        </Text>
      ) : null}
      <Stack gap={4}>
        {due.data && items.length === 0 ? (
          <Text size="sm" c="dimmed">
            No request due in the next 7 days.
          </Text>
        ) : null}
        {items.slice(0, 8).map((r) => (
          <Group key={r.id} justify="space-between" wrap="nowrap">
            <Anchor component={Link} to={`/requests/${r.id}`} size="sm" truncate>
              {r.reference} · {requestTypeLabels[r.type]}
            </Anchor>
            <Text size="xs" c={r.sla === 'overdue' ? 'red' : 'dimmed'} miw="max-content">
              {daysLeftText(r)}
            </Text>
          </Group>
        ))}
        <Anchor component={Link} to="/requests" size="xs">
          Open the inbox
        </Anchor>
      </Stack>
    </Card>
  );
}
