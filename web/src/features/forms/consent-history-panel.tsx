import { Badge, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';

const validStates = new Set(['given', 'renewed']);

/** A person's consent events, newest first: purpose, state, how it was collected (form, email link, preference centre). */
export function ConsentHistoryPanel({ recordId }: { recordId: string }) {
  const { api } = useApi();
  const records = useQuery({
    queryKey: ['people', recordId, 'consent-records'],
    queryFn: () => body(api.GET('/api/v1/people/{id}/consent-records', { params: { path: { id: recordId } } })),
  });
  if (records.isPending) return <PageLoader />;
  if (records.error) return <ProblemAlert error={records.error} />;
  const events = (records.data?.items ?? []).flatMap((r) => r.events).sort((a, b) => b.at.localeCompare(a.at));
  if (events.length === 0) return <Text c="dimmed">No consent recorded.</Text>;
  return (
    <Table aria-label="Consent history" verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>When</Table.Th>
          <Table.Th>Purpose</Table.Th>
          <Table.Th>State</Table.Th>
          <Table.Th>How</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {events.map((e) => (
          <Table.Tr key={e.id}>
            <Table.Td>{formatDateTime(e.at)}</Table.Td>
            <Table.Td>{e.purpose}</Table.Td>
            <Table.Td>
              <Badge color={validStates.has(e.state) ? 'green' : 'gray'}>{e.state}</Badge>
            </Table.Td>
            <Table.Td>{e.method.replace(/_/g, ' ')}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
