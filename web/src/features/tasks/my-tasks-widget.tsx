import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { dueLabel, tasksQueryKey } from './tasks-query.ts';

/** Home widget: my next open tasks and how many are overdue. */
export function MyTasksWidget() {
  const { api } = useApi();
  const open = useQuery({
    queryKey: [...tasksQueryKey, 'widget', 'open'],
    queryFn: () => body(api.GET('/api/v1/tasks', { params: { query: { assignee: 'me', status: 'open', limit: 5 } } })),
  });
  const overdue = useQuery({
    queryKey: [...tasksQueryKey, 'widget', 'overdue'],
    queryFn: () => body(api.GET('/api/v1/tasks', { params: { query: { assignee: 'me', status: 'open', overdue: true, limit: 100 } } })),
  });
  const overdueCount = overdue.data?.items.length ?? 0;
  const more = overdue.data?.nextCursor ? '+' : '';
  return (
    <Card withBorder padding="lg">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          <Anchor component={Link} to="/tasks" inherit>
            My tasks
          </Anchor>
        </Title>
        <Badge color={overdueCount > 0 ? 'red' : 'gray'} variant={overdueCount > 0 ? 'filled' : 'light'} data-testid="my-tasks-overdue">
          {overdueCount}
          {more} overdue
        </Badge>
      </Group>
      <ProblemAlert error={open.error ?? overdue.error} />
      <Stack gap={4}>
        {open.data?.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            No open tasks.
          </Text>
        ) : null}
        {open.data?.items.map((task) => (
          <Group key={task.id} justify="space-between" wrap="nowrap">
            <Text size="sm" truncate c={task.hidden ? 'dimmed' : undefined}>
              {task.hidden ? 'Hidden under this purpose' : task.title}
            </Text>
            <Text size="xs" c={task.overdue ? 'red' : 'dimmed'} miw="max-content">
              {dueLabel(task)}
            </Text>
          </Group>
        ))}
      </Stack>
    </Card>
  );
}
