import { Anchor, Card, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';

/** Home widget for managers: how many training assignments are overdue across the workspace. */
export function TrainingOverdueWidget() {
  const { api } = useApi();
  const overdue = useQuery({
    queryKey: ['training', 'people', true],
    queryFn: () => body(api.GET('/api/v1/training/reports/people', { params: { query: { overdue: true } } })),
  });
  const count = overdue.data?.items.length ?? 0;
  return (
    <Card withBorder padding="lg">
      <Title order={2} size="h4" mb="xs">
        Overdue training
      </Title>
      <Text size="sm">
        {overdue.isPending ? '…' : count === 0 ? 'No one is overdue.' : `${count} assignment${count === 1 ? ' is' : 's are'} overdue.`}{' '}
        <Anchor component={Link} to="/training">
          Open the report
        </Anchor>
      </Text>
    </Card>
  );
}
