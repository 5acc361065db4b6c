import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { retentionKeys } from './retention-query.ts';

/** Home widget: how many people the next retention sweep would take, how many a legal hold blocks, the last sweep. */
export function RetentionWidget() {
  const { api } = useApi();
  const preview = useQuery({
    queryKey: [...retentionKeys.preview, 'widget'],
    queryFn: () => body(api.GET('/api/v1/retention/preview', { params: { query: { limit: 1 } } })),
  });
  const sweeps = useQuery({
    queryKey: [...retentionKeys.sweeps, 'widget'],
    queryFn: () => body(api.GET('/api/v1/retention/sweeps', { params: { query: { limit: 1 } } })),
  });
  const last = sweeps.data?.items[0];
  return (
    <Card withBorder padding="lg">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          Retention
        </Title>
        <Badge
          color={(preview.data?.total ?? 0) > 0 ? 'yellow' : 'gray'}
          variant="light"
          data-testid="retention-due"
        >
          {preview.data?.total ?? 0} due
        </Badge>
      </Group>
      <ProblemAlert error={preview.error ?? sweeps.error} />
      <Stack gap={4}>
        <Text size="sm">{preview.data ? `${preview.data.blockedTotal} blocked by a legal hold` : null}</Text>
        <Text size="sm" c="dimmed">
          {last
            ? `Last ${last.dryRun ? 'dry run' : 'sweep'} ${formatDateTime(last.startedAt)}: ${last.erased} erased, ${last.anonymised} anonymised, ${last.failed} failed`
            : 'No sweep yet'}
        </Text>
        <Anchor component={Link} to="/retention" size="sm">
          Retention policies and preview
        </Anchor>
      </Stack>
    </Card>
  );
}
