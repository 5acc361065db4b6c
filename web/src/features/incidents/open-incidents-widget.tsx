import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { BreachCountdown } from './breach-countdown.tsx';
import { incidentsKey } from './incidents-query.ts';

/** Home widget: open incidents with their 72-hour clocks, the most urgent first. */
export function OpenIncidentsWidget() {
  const { api } = useApi();
  const list = useQuery({
    queryKey: [...incidentsKey, 'open-widget'],
    // The largest page: the list comes newest first, and the most urgent are the oldest.
    queryFn: () => body(api.GET('/api/v1/incidents', { params: { query: { status: 'open', limit: 200 } } })),
  });
  const more = list.data?.nextCursor ? '+' : '';
  const items = [...(list.data?.items ?? [])].sort((a, b) =>
    a.clock.deadline.localeCompare(b.clock.deadline),
  );
  const overdue = items.filter((i) => i.clock.state === 'overdue').length;
  return (
    <Card withBorder padding="lg">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          Open incidents
        </Title>
        <Badge color={overdue > 0 ? 'red' : 'gray'} variant={overdue > 0 ? 'filled' : 'light'}>
          {items.length}
          {more} open
        </Badge>
      </Group>
      <ProblemAlert error={list.error} />
      <Stack gap={4}>
        {list.data && items.length === 0 ? (
          <Text size="sm" c="dimmed">
            No open incidents.
          </Text>
        ) : null}
        {items.slice(0, 6).map((i) => (
          <Group key={i.id} justify="space-between" wrap="nowrap">
            <Anchor component={Link} to={`/incidents/${i.id}`} size="sm" truncate>
              {i.reference}: {i.title}
            </Anchor>
            <BreachCountdown clock={i.clock} />
          </Group>
        ))}
      </Stack>
    </Card>
  );
}
