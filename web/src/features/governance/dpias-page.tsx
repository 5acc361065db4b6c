import { Anchor, Badge, Button, Group, Modal, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Route, Routes, useNavigate, useParams } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { NotFoundPage } from '../../app/route-guards.tsx';
import { useSession } from '../../app/session.tsx';
import { DpiaWizard } from './dpia-wizard.tsx';
import { governanceKey, type Dpia } from './governance-query.ts';

function useCanWrite(): boolean {
  const session = useSession();
  return session.status === 'signed-in' && session.permissions.has('governance:write');
}

function StatusBadge({ d }: { d: Dpia }) {
  if (d.review.needed) return <Badge color="orange">Review needed</Badge>;
  return d.status === 'signed' ? <Badge color="green">Signed</Badge> : <Badge color="yellow">Draft</Badge>;
}

function DpiaList() {
  const { api } = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const canWrite = useCanWrite();
  const [creating, setCreating] = useState(false);
  const [title, setTitle] = useState('');
  const list = useQuery({
    queryKey: [...governanceKey, 'dpias'],
    queryFn: () => body(api.GET('/api/v1/governance/dpias', { params: { query: { limit: 200 } } })),
  });
  const create = useMutation({
    mutationFn: () => body(api.POST('/api/v1/governance/dpias', { body: { title } })),
    onSuccess: async (d) => {
      await queryClient.invalidateQueries({ queryKey: governanceKey });
      setCreating(false);
      await navigate(d.id);
    },
  });
  const items = list.data?.items ?? [];
  return (
    <>
      <PageHeader
        title="DPIAs"
        description="Data protection impact assessments (Art. 35) on the CNIL method. Changing a purpose a signed DPIA covers flags it for review."
        actions={canWrite ? <Button onClick={() => setCreating(true)}>New DPIA</Button> : null}
      />
      <Stack>
        <ProblemAlert error={list.error} />
        {list.isPending ? <PageLoader /> : items.length === 0 ? <Text>No DPIAs yet.</Text> : null}
        {items.length > 0 ? (
          <Table striped aria-label="DPIAs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Title</Table.Th>
                <Table.Th>Purposes</Table.Th>
                <Table.Th>Screening</Table.Th>
                <Table.Th>Review</Table.Th>
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>
                    <Anchor component={Link} to={d.id}>
                      {d.title}
                    </Anchor>
                  </Table.Td>
                  <Table.Td ff="monospace">{d.context.purposeKeys.join(', ') || '—'}</Table.Td>
                  <Table.Td>{d.screening.count} of 9 criteria</Table.Td>
                  <Table.Td>{d.reviewOn ?? '—'}</Table.Td>
                  <Table.Td>
                    <StatusBadge d={d} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
      </Stack>
      <Modal opened={creating} onClose={() => setCreating(false)} title="New DPIA">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <Stack>
            <ProblemAlert error={create.error} />
            <TextInput label="Title" required value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
            <Group justify="flex-end">
              <Button type="submit" loading={create.isPending}>
                Start DPIA
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

function DpiaDetail() {
  const { id = '' } = useParams();
  const { api } = useApi();
  const canWrite = useCanWrite();
  const [step, setStep] = useState(0);
  const dpia = useQuery({
    queryKey: [...governanceKey, 'dpias', id],
    queryFn: () => body(api.GET('/api/v1/governance/dpias/{id}', { params: { path: { id } } })),
  });
  if (dpia.isPending) return <PageLoader />;
  const d = dpia.data;
  return (
    <>
      <PageHeader
        title={d?.title ?? 'DPIA'}
        description={d ? <StatusBadge d={d} /> : null}
        actions={
          <Group gap="xs">
            <Button component="a" href={`/api/v1/governance/dpias/${id}/export?format=html`} target="_blank" rel="noopener" variant="default">
              Printable document
            </Button>
            <Button component="a" href={`/api/v1/governance/dpias/${id}/export?format=json`} variant="default">
              JSON
            </Button>
            <Button component={Link} to=".." variant="subtle">
              All DPIAs
            </Button>
          </Group>
        }
      />
      <ProblemAlert error={dpia.error} />
      {d ? <DpiaWizard key={d.version} dpia={d} canWrite={canWrite} step={step} onStepChange={setStep} /> : null}
    </>
  );
}

/** DPIAs: the list at `/governance/dpias`, the wizard of one at `…/:id`. */
export function DpiasPage() {
  return (
    <Routes>
      <Route index element={<DpiaList />} />
      <Route path=":id" element={<DpiaDetail />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
