import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { formatDay, myTrainingQueryKey, statusBadges } from './training-query.ts';

/** Home widget "Your training": the user's due and overdue modules. */
export function MyTrainingWidget() {
  const { api } = useApi();
  const mine = useQuery({ queryKey: myTrainingQueryKey, queryFn: () => body(api.GET('/api/v1/training/me')) });
  const open = (mine.data?.items ?? []).filter((a) => a.status !== 'completed');
  return (
    <Card withBorder padding="lg">
      <Title order={2} size="h4" mb="xs">
        Your training
      </Title>
      {mine.isPending ? null : open.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing to do: your training is up to date.
        </Text>
      ) : (
        <Stack gap="xs">
          {open.map((a) => (
            <Group key={a.assignmentId} justify="space-between" wrap="nowrap">
              <Anchor component={Link} to={`/my-training/${a.moduleId}`} size="sm">
                {a.title}
              </Anchor>
              <Group gap={6} wrap="nowrap">
                <Text size="xs" c="dimmed">
                  {formatDay(a.dueAt)}
                </Text>
                <Badge size="sm" variant="light" color={statusBadges[a.status].color}>
                  {statusBadges[a.status].label}
                </Badge>
              </Group>
            </Group>
          ))}
        </Stack>
      )}
    </Card>
  );
}
