import { Anchor, Badge, Card, Group, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';

/** Home widget for the DPO: the latest compliance score, open incidents and overdue requests, linking to the dashboard. */
export function PrivacyScoreWidget() {
  const { api } = useApi();
  const q = useQuery({
    queryKey: ['dashboard', 'privacy'],
    queryFn: () => body(api.GET('/api/v1/dashboard/privacy')),
  });
  const d = q.data;
  const last = d?.compliance.history[d.compliance.history.length - 1];
  return (
    <Card withBorder padding="lg">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          Privacy at a glance
        </Title>
        <Badge
          color={
            last === undefined ? 'gray' : last.score >= 90 ? 'teal' : last.score >= 70 ? 'orange' : 'red'
          }
          data-testid="privacy-score"
        >
          {last === undefined ? 'no audit yet' : `score ${last.score}`}
        </Badge>
      </Group>
      <ProblemAlert error={q.error} />
      {d ? (
        <Text size="sm">
          {d.incidents?.length ?? 0} open incident(s), {d.requests?.overdue ?? 0} overdue request(s),{' '}
          {d.compliance.topFindings.length} top finding(s).{' '}
          <Anchor component={Link} to="/dashboard/privacy" size="sm">
            Open the dashboard
          </Anchor>
        </Text>
      ) : null}
    </Card>
  );
}
