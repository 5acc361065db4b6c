import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { governanceKey, type DueItem } from './governance-query.ts';

/** Where an item is handled in the console. */
function linkOf(item: DueItem): string {
  switch (item.kind) {
    case 'dpia_review':
      return `/governance/dpias/${item.resourceId}`;
    case 'transfer_expiry':
    case 'transfer_flag':
      return '/governance/transfers';
    default:
      return `/governance/processors/${item.resourceId}`;
  }
}

/** Home widget: governance items due within 30 days or overdue (agreements, reviews, transfers, DPIAs). */
export function GovernanceDueWidget() {
  const { api } = useApi();
  const due = useQuery({ queryKey: [...governanceKey, 'due'], queryFn: () => body(api.GET('/api/v1/governance/due')) });
  const items = due.data?.items ?? [];
  const overdue = items.filter((i) => i.overdue).length;
  return (
    <Card withBorder padding="lg">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          Governance due
        </Title>
        <Badge color={overdue > 0 ? 'red' : 'gray'} variant={overdue > 0 ? 'filled' : 'light'} data-testid="governance-overdue">
          {overdue} overdue
        </Badge>
      </Group>
      <ProblemAlert error={due.error} />
      <Stack gap={4}>
        {due.data && items.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nothing due in the next 30 days.
          </Text>
        ) : null}
        {items.slice(0, 8).map((item) => (
          <Group key={item.key} justify="space-between" wrap="nowrap">
            <Anchor component={Link} to={linkOf(item)} size="sm" truncate>
              {item.title}
            </Anchor>
            <Text size="xs" c={item.overdue ? 'red' : 'dimmed'} miw="max-content">
              {item.dueOn ?? 'now'}
            </Text>
          </Group>
        ))}
        {items.length > 8 ? <Text size="xs" c="dimmed">and {items.length - 8} more</Text> : null}
      </Stack>
    </Card>
  );
}
