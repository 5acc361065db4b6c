import { Anchor, Button, Group, Paper, Select, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { LogRequestModal } from './log-request-modal.tsx';
import {
  channelLabels,
  daysLeftText,
  requestStatusLabels,
  requestsKey,
  requestTypeLabels,
  type DsRequest,
  type RequestList,
  type RequestStatus,
  type RequestType,
} from './requests-query.ts';
import { SlaBadge } from './sla-badge.tsx';

const options = <K extends string>(labels: Record<K, string>) =>
  Object.entries(labels).map(([value, label]) => ({ value, label: label as string }));

/** The users of the workspace by id (for names), when the signed-in user may read them. */
export function useUserNames(): Map<string, string> {
  const { api } = useApi();
  const session = useSession();
  const canRead = session.status === 'signed-in' && session.permissions.has('users:read');
  const users = useQuery({
    queryKey: ['users', 'names'],
    enabled: canRead,
    queryFn: () => body(api.GET('/api/v1/users', { params: { query: { limit: 100 } } })),
  });
  const names = new Map<string, string>((users.data?.items ?? []).map((u) => [u.id, u.name || u.email]));
  if (session.status === 'signed-in')
    names.set(session.me.id, `${session.me.name || session.me.email} (you)`);
  return names;
}

/**
 * The request inbox: every data subject request, earliest deadline first, with its SLA badge, days left and assignee;
 * filters by status, type, SLA and assignee; "Log a request" for phone, letter and in-person requests.
 */
export function RequestsInbox() {
  const { api } = useApi();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('requests:write');
  const [status, setStatus] = useState<RequestStatus | null>(null);
  const [type, setType] = useState<RequestType | null>(null);
  const [sla, setSla] = useState<DsRequest['sla'] | null>(null);
  const [assignee, setAssignee] = useState<'me' | 'none' | null>(null);
  const [logging, setLogging] = useState(false);
  const names = useUserNames();
  const list = useInfiniteQuery({
    queryKey: [...requestsKey, 'list', status, type, sla, assignee],
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: RequestList) => last.nextCursor ?? undefined,
    queryFn: ({ pageParam }) =>
      body(
        api.GET('/api/v1/requests', {
          params: {
            query: {
              limit: 50,
              ...(status ? { status } : {}),
              ...(type ? { type } : {}),
              ...(sla ? { sla } : {}),
              ...(assignee ? { assignee } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader
        title="Requests"
        description="Data subject requests, earliest deadline first. The deadline is one calendar month from receipt (Art. 12(3))."
        actions={canWrite ? <Button onClick={() => setLogging(true)}>Log a request</Button> : null}
      />
      <Stack>
        <Group gap="sm" wrap="wrap">
          <Select
            label="Status"
            placeholder="Any"
            clearable
            data={options(requestStatusLabels)}
            value={status}
            onChange={(v) => setStatus(v as RequestStatus | null)}
            w={200}
          />
          <Select
            label="Type"
            placeholder="Any"
            clearable
            data={options(requestTypeLabels)}
            value={type}
            onChange={(v) => setType(v as RequestType | null)}
            w={240}
          />
          <Select
            label="Deadline"
            placeholder="Any"
            clearable
            data={[
              { value: 'overdue', label: 'Overdue' },
              { value: 'due_soon', label: 'Due within 7 days' },
              { value: 'on_track', label: 'On track' },
              { value: 'closed', label: 'Closed' },
            ]}
            value={sla}
            onChange={(v) => setSla(v as DsRequest['sla'] | null)}
            w={200}
          />
          <Select
            label="Assignee"
            placeholder="Anyone"
            clearable
            data={[
              { value: 'me', label: 'Assigned to me' },
              { value: 'none', label: 'Unassigned' },
            ]}
            value={assignee}
            onChange={(v) => setAssignee(v as 'me' | 'none' | null)}
            w={200}
          />
        </Group>
        <ProblemAlert error={list.error} />
        {list.isPending ? <PageLoader /> : null}
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={800}>
            <Table verticalSpacing="sm" data-testid="requests-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Reference</Table.Th>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Channel</Table.Th>
                  <Table.Th>Received</Table.Th>
                  <Table.Th>Due</Table.Th>
                  <Table.Th>Deadline</Table.Th>
                  <Table.Th>Assignee</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((r) => (
                  <Table.Tr key={r.id} data-testid="request-row">
                    <Table.Td>
                      <Anchor component={Link} to={`/requests/${r.id}`} ff="monospace">
                        {r.reference}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{requestTypeLabels[r.type]}</Table.Td>
                    <Table.Td>{requestStatusLabels[r.status]}</Table.Td>
                    <Table.Td>{channelLabels[r.channel]}</Table.Td>
                    <Table.Td>{formatDateTime(r.receivedAt)}</Table.Td>
                    <Table.Td>{new Date(r.dueAt).toLocaleDateString()}</Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <SlaBadge sla={r.sla} />
                        <Text size="xs" c={r.sla === 'overdue' ? 'red' : 'dimmed'}>
                          {daysLeftText(r)}
                        </Text>
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      {r.assigneeId ? (
                        (names.get(r.assigneeId) ?? 'A colleague')
                      ) : (
                        <Text c="dimmed" size="sm">
                          Unassigned
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {list.isSuccess && items.length === 0 ? (
            <Text size="sm" c="dimmed" p="md">
              No requests match.
            </Text>
          ) : null}
        </Paper>
        {list.hasNextPage ? (
          <Group justify="center">
            <Button
              variant="subtle"
              loading={list.isFetchingNextPage}
              onClick={() => void list.fetchNextPage()}
            >
              More
            </Button>
          </Group>
        ) : null}
      </Stack>
      <LogRequestModal opened={logging} onClose={() => setLogging(false)} />
    </>
  );
}
