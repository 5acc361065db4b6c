import { Alert, Anchor, Badge, Button, Grid, Group, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { isApiError } from '../../api/api-error.ts';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { DealPeople } from './deal-people.tsx';
import { dealsQueryKey, formatMoney, ifMatch, statusColors, statusLabels } from './deals-query.ts';
import { EditDealModal } from './edit-deal-modal.tsx';
import { usePipelines } from './pipeline-select.tsx';
import { RecordPanelList } from '../../app/record-panel-list.tsx';

/** A deal at `/deals/:id`: its values, stage (changed here or on the board), people, stage history and panels. */
export function DealPage() {
  const { id = '' } = useParams();
  const { api } = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('crm:write');
  const [editing, setEditing] = useState(false);
  const pipelines = usePipelines();
  const deal = useQuery({ queryKey: [...dealsQueryKey, id], queryFn: () => body(api.GET('/api/v1/deals/{id}', { params: { path: { id } } })) });
  const history = useQuery({ queryKey: [...dealsQueryKey, id, 'history'], queryFn: () => body(api.GET('/api/v1/deals/{id}/stage-history', { params: { path: { id } } })) });
  const organization = useQuery({
    queryKey: ['organizations', deal.data?.organizationId],
    queryFn: () => body(api.GET('/api/v1/organizations/{id}', { params: { path: { id: deal.data?.organizationId ?? '' } } })),
    enabled: Boolean(deal.data?.organizationId),
  });
  const move = useMutation({
    mutationFn: (stageId: string) => body(api.POST('/api/v1/deals/{id}/move', { params: { path: { id }, header: ifMatch(deal.data?.version ?? 0) }, body: { stageId } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: dealsQueryKey }),
  });
  const remove = useMutation({
    mutationFn: () => api.DELETE('/api/v1/deals/{id}', { params: { path: { id } } }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: dealsQueryKey });
      await navigate('/deals');
    },
  });
  const d = deal.data;
  const pipeline = pipelines.data?.find((p) => p.id === d?.pipelineId);
  return (
    <>
      <PageHeader
        title={d?.title ?? 'Deal'}
        description={
          <Anchor component={Link} to="/deals" size="sm">
            ← Board
          </Anchor>
        }
        actions={
          canWrite && d ? (
            <Group>
              <Button variant="default" onClick={() => setEditing(true)}>
                Edit
              </Button>
              <Button color="red" variant="light" onClick={() => remove.mutate()} loading={remove.isPending}>
                Delete
              </Button>
            </Group>
          ) : null
        }
      />
      {isApiError(deal.error) && deal.error.status === 404 ? <Alert color="gray" title="No such deal" /> : <ProblemAlert error={deal.error ?? move.error ?? remove.error} />}
      {deal.isPending ? <PageLoader /> : null}
      {d ? (
        <Grid>
          <Grid.Col span={{ base: 12, md: 7 }}>
            <Stack>
              <Paper withBorder p="md">
                <Group mb="sm">
                  <Badge color={statusColors[d.status]} variant="light">
                    {statusLabels[d.status]}
                  </Badge>
                  <Text fw={600}>{formatMoney(d.amount, d.currency)}</Text>
                </Group>
                <Table variant="vertical" layout="fixed" withTableBorder={false}>
                  <Table.Tbody>
                    <Table.Tr>
                      <Table.Th w={180}>Pipeline</Table.Th>
                      <Table.Td>{pipeline?.name ?? '—'}</Table.Td>
                    </Table.Tr>
                    <Table.Tr>
                      <Table.Th>Stage</Table.Th>
                      <Table.Td>
                        <Select
                          aria-label="Stage"
                          w={220}
                          allowDeselect={false}
                          disabled={!canWrite || move.isPending}
                          data={(pipeline?.stages ?? []).map((s) => ({ value: s.id, label: `${s.name} (${s.probability}%)` }))}
                          value={d.stageId}
                          onChange={(stageId) => stageId && stageId !== d.stageId && move.mutate(stageId)}
                        />
                      </Table.Td>
                    </Table.Tr>
                    <Table.Tr>
                      <Table.Th>Organization</Table.Th>
                      <Table.Td>
                        {organization.data ? (
                          <Anchor component={Link} to={`/organizations/${organization.data.id}`}>
                            {organization.data.name}
                          </Anchor>
                        ) : (
                          '—'
                        )}
                      </Table.Td>
                    </Table.Tr>
                    <Table.Tr>
                      <Table.Th>Expected close</Table.Th>
                      <Table.Td>{d.expectedCloseDate ?? '—'}</Table.Td>
                    </Table.Tr>
                    {d.status !== 'open' ? (
                      <Table.Tr>
                        <Table.Th>Closed</Table.Th>
                        <Table.Td>
                          {d.closedAt ? formatDateTime(d.closedAt) : '—'}
                          {d.closeReason ? ` — ${d.closeReason}` : ''}
                        </Table.Td>
                      </Table.Tr>
                    ) : null}
                  </Table.Tbody>
                </Table>
              </Paper>
              <Paper withBorder p="md">
                <Title order={2} size="h4" mb="sm">
                  People
                </Title>
                <DealPeople deal={d} canWrite={canWrite} />
              </Paper>
              <RecordPanelList entity="deal" recordId={d.id} />
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            <Paper withBorder p="md">
              <Title order={2} size="h4" mb="sm">
                Stage history
              </Title>
              <Stack gap={6} data-testid="stage-history">
                {(history.data?.items ?? []).map((h) => (
                  <Text key={h.id} size="sm">
                    {formatDateTime(h.changedAt)}: {h.fromStageName ? `${h.fromStageName} → ${h.toStageName}` : `created in ${h.toStageName}`}
                  </Text>
                ))}
              </Stack>
            </Paper>
          </Grid.Col>
        </Grid>
      ) : null}
      {d ? <EditDealModal key={d.version} deal={d} opened={editing} onClose={() => setEditing(false)} /> : null}
    </>
  );
}
