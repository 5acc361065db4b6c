import { Anchor, Badge, Button, List, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Route, Routes, useNavigate, useParams } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { NotFoundPage } from '../../app/route-guards.tsx';
import { useSession } from '../../app/session.tsx';
import { governanceKey, ifMatch, processorRoleLabels, type Processor, type ProcessorBody } from './governance-query.ts';
import { ProcessorForm } from './processor-form.tsx';

function useCanWrite(): boolean {
  const session = useSession();
  return session.status === 'signed-in' && session.permissions.has('governance:write');
}

/** Every processor (up to 200, by name); the register is small. */
function useProcessors() {
  const { api } = useApi();
  return useQuery({
    queryKey: [...governanceKey, 'processors'],
    queryFn: () => body(api.GET('/api/v1/governance/processors', { params: { query: { limit: 200 } } })),
  });
}

function StatusBadge({ p }: { p: Processor }) {
  return (
    <Badge miw="max-content" variant="light" color={p.status === 'complete' ? 'green' : 'yellow'}>
      {p.status === 'complete' ? 'Complete' : `Draft · ${p.missing.length} missing`}
    </Badge>
  );
}

function ProcessorList() {
  const processors = useProcessors();
  const canWrite = useCanWrite();
  const items = processors.data?.items ?? [];
  return (
    <>
      <PageHeader
        title="Processors"
        description="Processors, sub-processors, joint controllers and recipients: what flows to them, where, under which agreement. Drafts are never counted as complete."
        actions={canWrite ? <Button component={Link} to="new">New processor</Button> : null}
      />
      <ProblemAlert error={processors.error} />
      {processors.isPending ? (
        <PageLoader />
      ) : items.length === 0 ? (
        <Text>No processors recorded yet.</Text>
      ) : (
        <Table.ScrollContainer minWidth={800}>
          <Table striped highlightOnHover aria-label="Processors">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Countries</Table.Th>
                <Table.Th>Agreement expires</Table.Th>
                <Table.Th>Review</Table.Th>
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td>
                    <Anchor component={Link} to={p.id}>
                      {p.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{processorRoleLabels[p.role]}</Table.Td>
                  <Table.Td ff="monospace">{p.countries.join(', ')}</Table.Td>
                  <Table.Td>{p.agreement?.expiresOn ?? '—'}</Table.Td>
                  <Table.Td>{p.reviewOn ?? '—'}</Table.Td>
                  <Table.Td>
                    <StatusBadge p={p} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}

function NewProcessor() {
  const { api } = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const processors = useProcessors();
  const create = useMutation({
    mutationFn: (b: ProcessorBody) => body(api.POST('/api/v1/governance/processors', { body: b })),
    onSuccess: async (p) => {
      notifications.show({ color: 'green', message: `${p.name} recorded${p.status === 'draft' ? ' as a draft' : ''}.` });
      await queryClient.invalidateQueries({ queryKey: governanceKey });
      await navigate(`../${p.id}`);
    },
  });
  return (
    <>
      <PageHeader title="New processor" description="Save at any point: what is missing keeps it a draft." />
      <Stack>
        <ProblemAlert error={create.error} />
        <ProcessorForm others={processors.data?.items ?? []} saving={create.isPending} disabled={false} onSubmit={(b) => create.mutate(b)} />
      </Stack>
    </>
  );
}

function ProcessorDetail() {
  const { id = '' } = useParams();
  const { api } = useApi();
  const queryClient = useQueryClient();
  const canWrite = useCanWrite();
  const processors = useProcessors();
  const processor = useQuery({
    queryKey: [...governanceKey, 'processors', id],
    queryFn: () => body(api.GET('/api/v1/governance/processors/{id}', { params: { path: { id } } })),
  });
  const save = useMutation({
    mutationFn: (b: ProcessorBody) =>
      body(api.PUT('/api/v1/governance/processors/{id}', { body: b, params: { path: { id }, header: ifMatch(processor.data?.version ?? 0) } })),
    onSuccess: async (p) => {
      notifications.show({ color: 'green', message: `${p.name} saved (${p.status}).` });
      await queryClient.invalidateQueries({ queryKey: governanceKey });
    },
  });
  if (processor.isPending) return <PageLoader />;
  const p = processor.data;
  return (
    <>
      <PageHeader title={p?.name ?? 'Processor'} description={p ? <StatusBadge p={p} /> : null} actions={<Button component={Link} to=".." variant="default">All processors</Button>} />
      <Stack>
        <ProblemAlert error={processor.error ?? save.error} />
        {p && p.missing.length > 0 ? (
          <div data-testid="processor-missing">
            <Text size="sm" fw={500}>
              Missing before it counts as complete:
            </Text>
            <List size="sm">
              {p.missing.map((m) => (
                <List.Item key={m}>
                  <code>{m}</code>
                </List.Item>
              ))}
            </List>
          </div>
        ) : null}
        {p?.objectionDeadline ? <Text size="sm">Objections to this sub-processor until {p.objectionDeadline}.</Text> : null}
        {p ? (
          <ProcessorForm key={p.version} processor={p} others={processors.data?.items ?? []} saving={save.isPending} disabled={!canWrite} onSubmit={(b) => save.mutate(b)} />
        ) : null}
      </Stack>
    </>
  );
}

/** The processor register: the list at `/governance/processors`, a record at `…/:id`, a new one at `…/new`. */
export function ProcessorsPage() {
  return (
    <Routes>
      <Route index element={<ProcessorList />} />
      <Route path="new" element={<NewProcessor />} />
      <Route path=":id" element={<ProcessorDetail />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
