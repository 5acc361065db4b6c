import { Anchor, Button, Grid, Group, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { RequestActions } from './request-actions.tsx';
import { requestDetailPanels } from './request-detail-panels.ts';
import { RequestTimeline } from './request-timeline.tsx';
import { useUserNames } from './requests-inbox.tsx';
import {
  channelLabels,
  daysLeftText,
  identityMethodLabels,
  ifMatch,
  requestsKey,
  requestStatusLabels,
  requestTypeLabels,
  type DsRequest,
} from './requests-query.ts';
import { SlaBadge } from './sla-badge.tsx';

/**
 * One request at `/requests/:id`: header with status, SLA and deadline; status actions and extension; assignee; the
 * requester's contact and request (shown on demand, the reading audited); the panels other features add (fulfilment);
 * the timeline with notes.
 */
export function RequestDetailPage() {
  const { id = '' } = useParams();
  const { api } = useApi();
  const queryClient = useQueryClient();
  const session = useSession();
  const permissions = session.status === 'signed-in' ? session.permissions : new Set<string>();
  const canWrite = permissions.has('requests:write');
  const names = useUserNames();
  const request = useQuery({
    queryKey: [...requestsKey, 'one', id],
    queryFn: () => body(api.GET('/api/v1/requests/{id}', { params: { path: { id } } })),
  });
  const onChanged = () => void queryClient.invalidateQueries({ queryKey: requestsKey });
  if (request.isPending) return <PageLoader />;
  if (!request.data) return <ProblemAlert error={request.error} />;
  const r = request.data;
  const panels = requestDetailPanels
    .filter((p) => !p.permission || permissions.has(p.permission))
    .sort((a, b) => a.order - b.order);
  return (
    <>
      <PageHeader
        title={`Request ${r.reference}`}
        description={
          <>
            <Anchor component={Link} to="/requests" size="sm">
              Requests
            </Anchor>{' '}
            · {requestTypeLabels[r.type]} · {channelLabels[r.channel]}
          </>
        }
      />
      <Stack>
        <Paper withBorder p="md" radius="md" data-testid="request-header">
          <Group justify="space-between" align="flex-start" wrap="wrap">
            <Stack gap={4}>
              <Group gap="sm">
                <Text fw={600} data-testid="request-status">
                  {requestStatusLabels[r.status]}
                </Text>
                <SlaBadge sla={r.sla} />
                <Text size="sm" c={r.sla === 'overdue' ? 'red' : 'dimmed'} data-testid="request-days-left">
                  {daysLeftText(r)}
                </Text>
              </Group>
              <Text size="sm">
                Due {new Date(r.dueAt).toLocaleDateString()}
                {r.extendedUntil ? ` (extended: ${r.extensionReason ?? ''})` : ''}
              </Text>
              {r.refusalReason ? <Text size="sm">Refused: {r.refusalReason}</Text> : null}
            </Stack>
            {canWrite ? <RequestActions request={r} onChanged={onChanged} /> : null}
          </Group>
        </Paper>
        <Grid>
          <Grid.Col span={{ base: 12, md: 6 }}>
            <Facts request={r} names={names} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 6 }}>
            <Stack>
              {canWrite ? <AssignBox request={r} names={names} onChanged={onChanged} /> : null}
              <RequesterBox requestId={r.id} />
            </Stack>
          </Grid.Col>
        </Grid>
        {panels.map((p) => (
          <div key={p.key} data-testid={`request-panel-${p.key}`}>
            {p.render({ request: r, onChanged })}
          </div>
        ))}
        <RequestTimeline requestId={r.id} canWrite={canWrite} names={names} onChanged={onChanged} />
      </Stack>
    </>
  );
}

function Facts({ request: r, names }: { request: DsRequest; names: Map<string, string> }) {
  const rows: [string, React.ReactNode][] = [
    ['Received', formatDateTime(r.receivedAt)],
    ['Due', formatDateTime(r.dueAt)],
    [
      'Identity',
      r.identityMethod
        ? `${identityMethodLabels[r.identityMethod]}, ${formatDateTime(r.identityVerifiedAt)}`
        : 'Not verified',
    ],
    [
      'Person',
      r.personId ? (
        <Anchor component={Link} to={`/people/${r.personId}`}>
          Open the person
        </Anchor>
      ) : (
        'Not matched'
      ),
    ],
    ['Assignee', r.assigneeId ? (names.get(r.assigneeId) ?? 'A colleague') : 'Unassigned'],
    ['Language', r.language],
    ['Completed', formatDateTime(r.completedAt)],
  ];
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} size="h4" mb="sm">
        Details
      </Title>
      <Table>
        <Table.Tbody>
          {rows.map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Th w={140}>{k}</Table.Th>
              <Table.Td>{v}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

function AssignBox({
  request,
  names,
  onChanged,
}: {
  request: DsRequest;
  names: Map<string, string>;
  onChanged: () => void;
}) {
  const { api } = useApi();
  const assign = useMutation({
    mutationFn: (assigneeId: string | null) =>
      body(
        api.PATCH('/api/v1/requests/{id}', {
          params: { path: { id: request.id }, header: ifMatch(request.version) },
          body: { assigneeId },
        }),
      ),
    onSuccess: onChanged,
  });
  return (
    <Paper withBorder p="md" radius="md">
      <ProblemAlert error={assign.error} />
      <Select
        label="Assignee"
        placeholder="Unassigned"
        clearable
        value={request.assigneeId}
        onChange={(v) => assign.mutate(v)}
        data={[...names.entries()].map(([value, label]) => ({ value, label }))}
        disabled={assign.isPending}
      />
    </Paper>
  );
}

function RequesterBox({ requestId }: { requestId: string }) {
  const { api } = useApi();
  const [shown, setShown] = useState(false);
  const requester = useQuery({
    queryKey: [...requestsKey, 'requester', requestId],
    enabled: shown,
    queryFn: () => body(api.GET('/api/v1/requests/{id}/requester', { params: { path: { id: requestId } } })),
  });
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} size="h4" mb="sm">
        Requester
      </Title>
      {!shown ? (
        <Button size="xs" variant="light" onClick={() => setShown(true)}>
          Show contact and request
        </Button>
      ) : null}
      <ProblemAlert error={requester.error} />
      {requester.data ? (
        <Stack gap={4} data-testid="requester">
          <Text size="sm">Email: {requester.data.email ?? '—'}</Text>
          {requester.data.details.message ? (
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {requester.data.details.message}
            </Text>
          ) : null}
          {requester.data.details.rectification
            ? Object.entries(requester.data.details.rectification).map(([k, v]) => (
                <Text key={k} size="sm">
                  {k} → {v}
                </Text>
              ))
            : null}
          {requester.data.details.purposes?.length ? (
            <Text size="sm">Purposes: {requester.data.details.purposes.join(', ')}</Text>
          ) : null}
          <Text size="xs" c="dimmed">
            Reading this is recorded on the timeline and in the audit log.
          </Text>
        </Stack>
      ) : null}
    </Paper>
  );
}
