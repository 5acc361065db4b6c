import { Anchor, Badge, Button, Group, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Route, Routes } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { NotFoundPage } from '../../app/route-guards.tsx';
import { useSession } from '../../app/session.tsx';
import { BreachCountdown } from './breach-countdown.tsx';
import { IncidentDetail } from './incident-detail.tsx';
import { incidentsKey, type Incident } from './incidents-query.ts';
import { NewIncidentForm } from './new-incident-form.tsx';

/** The risk level as a badge. */
export function RiskBadge({ assessment }: { assessment: Incident['assessment'] }) {
  if (assessment.level === null)
    return (
      <Badge color="gray" variant="light">
        Not assessed
      </Badge>
    );
  const color = assessment.level === 'high' ? 'red' : assessment.level === 'risk' ? 'orange' : 'green';
  return (
    <Badge color={color}>
      {assessment.level === 'high' ? 'High risk' : assessment.level === 'risk' ? 'Risk' : 'Unlikely risk'}
    </Badge>
  );
}

function IncidentList() {
  const { api } = useApi();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('monitoring:write');
  const [status, setStatus] = useState<'open' | 'closed' | 'all'>('open');
  const list = useInfiniteQuery({
    queryKey: [...incidentsKey, 'list', status],
    queryFn: ({ pageParam }) =>
      body(
        api.GET('/api/v1/incidents', {
          params: { query: { status, limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader
        title="Incidents"
        description="The breach register (Art. 33(5)): every incident, the 72-hour clock to tell the authority, and whom to notify."
        actions={
          canWrite ? (
            <Button component={Link} to="new">
              New incident
            </Button>
          ) : null
        }
      />
      <Stack>
        <SegmentedControl
          w="fit-content"
          value={status}
          onChange={(v) => setStatus(v as typeof status)}
          data={[
            { value: 'open', label: 'Open' },
            { value: 'closed', label: 'Closed' },
            { value: 'all', label: 'All' },
          ]}
        />
        <ProblemAlert error={list.error} />
        {list.isPending ? (
          <PageLoader />
        ) : items.length === 0 ? (
          <Text>No {status === 'all' ? '' : status} incidents.</Text>
        ) : null}
        {items.length > 0 ? (
          <Table striped aria-label="Incidents">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Reference</Table.Th>
                <Table.Th>Title</Table.Th>
                <Table.Th>Aware at</Table.Th>
                <Table.Th>People</Table.Th>
                <Table.Th>Risk</Table.Th>
                <Table.Th>72-hour clock</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((i) => (
                <Table.Tr key={i.id}>
                  <Table.Td ff="monospace">{i.reference}</Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={i.id}>
                      {i.title}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{formatDateTime(i.awareAt)}</Table.Td>
                  <Table.Td>{i.effective.people ?? '—'}</Table.Td>
                  <Table.Td>
                    <RiskBadge assessment={i.assessment} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs">
                      <BreachCountdown clock={i.clock} />
                      {i.status === 'closed' ? <Badge color="gray">Closed</Badge> : null}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
        {list.hasNextPage ? (
          <Group>
            <Button
              variant="default"
              onClick={() => void list.fetchNextPage()}
              loading={list.isFetchingNextPage}
            >
              Load more
            </Button>
          </Group>
        ) : null}
      </Stack>
    </>
  );
}

/** Incidents: the register at `/incidents`, the form at `…/new`, one incident at `…/:id`. */
export function IncidentsPage() {
  return (
    <Routes>
      <Route index element={<IncidentList />} />
      <Route path="new" element={<NewIncidentForm />} />
      <Route path=":id" element={<IncidentDetail />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
