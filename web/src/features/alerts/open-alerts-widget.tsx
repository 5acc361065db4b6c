import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { SeverityBadge } from './alert-badges.tsx';
import { alertsKey } from './alerts-query.ts';

/** Home widget: open and acknowledged alerts by severity, with the latest five. */
export function OpenAlertsWidget() {
  const { api } = useApi();
  const summary = useQuery({
    queryKey: [...alertsKey, 'summary'],
    queryFn: () => body(api.GET('/api/v1/alerts/summary')),
    refetchInterval: 15_000,
  });
  const s = summary.data;
  const active = s ? s.open + s.acknowledged : 0;
  const urgent = s ? (s.bySeverity.high ?? 0) + (s.bySeverity.critical ?? 0) : 0;
  return (
    <Card withBorder padding="lg">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          <Anchor component={Link} to="/alerts" inherit>
            Alerts
          </Anchor>
        </Title>
        <Badge color={urgent > 0 ? 'red' : 'gray'} variant={urgent > 0 ? 'filled' : 'light'}>
          {s?.open ?? 0} open
        </Badge>
      </Group>
      <ProblemAlert error={summary.error} />
      <Stack gap={4}>
        {s && active === 0 ? (
          <Text size="sm" c="dimmed">
            No open alerts.
          </Text>
        ) : null}
        {s && active > 0 ? (
          <Text size="sm">
            {(['critical', 'high', 'medium', 'low'] as const)
              .filter((k) => (s.bySeverity[k] ?? 0) > 0)
              .map((k) => `${s.bySeverity[k]} ${k}`)
              .join(', ')}
            {s.acknowledged > 0 ? ` (${s.acknowledged} acknowledged)` : ''}
          </Text>
        ) : null}
        {(s?.latest ?? []).map((a) => (
          <Group key={a.id} justify="space-between" wrap="nowrap">
            <Anchor component={Link} to={`/alerts/${a.id}`} size="sm" truncate>
              {a.title}
            </Anchor>
            <SeverityBadge severity={a.severity} />
          </Group>
        ))}
      </Stack>
    </Card>
  );
}
