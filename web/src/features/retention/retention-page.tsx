import { Alert, Badge, Button, Code, Group, Modal, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { PolicyForm } from './policy-form.tsx';
import { actionLabels, retentionKeys, startEventLabels, type RetentionPolicy } from './retention-query.ts';

function PoliciesTab({ canWrite }: { canWrite: boolean }) {
  const { api } = useApi();
  const list = useQuery({
    queryKey: retentionKeys.policies,
    queryFn: () => body(api.GET('/api/v1/retention/policies')),
  });
  const [editing, setEditing] = useState<RetentionPolicy | 'new' | null>(null);
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        A person is erased or anonymised once every active policy that applies to them has run out: data stays
        while any purpose still needs it. Legal holds always win.
      </Text>
      <ProblemAlert error={list.error} />
      {list.isPending ? (
        <PageLoader />
      ) : (list.data?.items.length ?? 0) === 0 ? (
        <Alert color="blue">No retention policy yet: nothing is swept.</Alert>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped aria-label="Retention policies">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Period</Table.Th>
                <Table.Th>Counted from</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Purpose / category</Table.Th>
                <Table.Th>Version</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data?.items.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td>
                    {p.name} {p.active ? null : <Badge color="gray">inactive</Badge>}
                  </Table.Td>
                  <Table.Td>
                    <Code>{p.period}</Code>
                  </Table.Td>
                  <Table.Td>{startEventLabels[p.startEvent]}</Table.Td>
                  <Table.Td>{actionLabels[p.action]}</Table.Td>
                  <Table.Td>{[p.purpose, p.category].filter(Boolean).join(' · ') || 'all'}</Table.Td>
                  <Table.Td>{p.version}</Table.Td>
                  <Table.Td>
                    {canWrite ? (
                      <Button
                        size="xs"
                        variant="subtle"
                        onClick={() => setEditing(p)}
                        aria-label={`Edit ${p.name}`}
                      >
                        Edit
                      </Button>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {canWrite ? (
        <Group>
          <Button onClick={() => setEditing('new')}>New policy</Button>
        </Group>
      ) : null}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? 'New retention policy' : 'Edit retention policy'}
        size="lg"
      >
        {editing !== null ? (
          <PolicyForm {...(editing === 'new' ? {} : { policy: editing })} onDone={() => setEditing(null)} />
        ) : null}
      </Modal>
    </Stack>
  );
}

function PreviewTab() {
  const { api } = useApi();
  const preview = useInfiniteQuery({
    queryKey: retentionKeys.preview,
    queryFn: ({ pageParam }) =>
      body(
        api.GET('/api/v1/retention/preview', {
          params: { query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const first = preview.data?.pages[0];
  const items = preview.data?.pages.flatMap((p) => p.items) ?? [];
  if (preview.isPending) return <PageLoader />;
  if (preview.error || !first) return <ProblemAlert error={preview.error} />;
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        What the next sweep would do, computed {formatDateTime(first.at)}. People appear by pseudonym only.
      </Text>
      <Group>
        <Badge size="lg" variant="light">
          {first.total} to erase or anonymise
        </Badge>
        <Badge size="lg" variant="light" color="yellow">
          {first.blockedTotal} blocked by a legal hold
        </Badge>
      </Group>
      {first.perPolicy.length > 0 ? (
        <Table aria-label="Due per policy" maw={720}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Policy</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Due</Table.Th>
              <Table.Th>Blocked</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {first.perPolicy.map((l) => (
              <Table.Tr key={l.policyId}>
                <Table.Td>{l.policyName}</Table.Td>
                <Table.Td>{actionLabels[l.action]}</Table.Td>
                <Table.Td>{l.due}</Table.Td>
                <Table.Td>{l.blocked}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      {items.length === 0 ? (
        <Alert color="green">Nobody is due.</Alert>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped aria-label="Due for retention">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Person</Table.Th>
                <Table.Th>Policy</Table.Th>
                <Table.Th>Start event</Table.Th>
                <Table.Th>Since</Table.Th>
                <Table.Th>Due</Table.Th>
                <Table.Th>Action</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((i) => (
                <Table.Tr key={i.personId}>
                  <Table.Td>
                    <Code>{i.pseudonym}</Code>
                  </Table.Td>
                  <Table.Td>{i.policyName}</Table.Td>
                  <Table.Td>{startEventLabels[i.startEvent]}</Table.Td>
                  <Table.Td>{formatDateTime(i.startedAt)}</Table.Td>
                  <Table.Td>{formatDateTime(i.dueAt)}</Table.Td>
                  <Table.Td>{actionLabels[i.action]}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {preview.hasNextPage ? (
        <Group>
          <Button
            variant="default"
            onClick={() => void preview.fetchNextPage()}
            loading={preview.isFetchingNextPage}
          >
            Load more
          </Button>
        </Group>
      ) : null}
      {first.blocked.length > 0 ? (
        <>
          <Title order={4}>Blocked by a legal hold</Title>
          <Table aria-label="Blocked by a legal hold" maw={720}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Person</Table.Th>
                <Table.Th>Policy</Table.Th>
                <Table.Th>Due</Table.Th>
                <Table.Th>Holds</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {first.blocked.map((b) => (
                <Table.Tr key={b.personId}>
                  <Table.Td>
                    <Code>{b.pseudonym}</Code>
                  </Table.Td>
                  <Table.Td>{b.policyName}</Table.Td>
                  <Table.Td>{formatDateTime(b.dueAt)}</Table.Td>
                  <Table.Td>{b.holdIds.length}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      ) : null}
    </Stack>
  );
}

function RunsTab({ canWrite }: { canWrite: boolean }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const runs = useQuery({
    queryKey: retentionKeys.sweeps,
    queryFn: () => body(api.GET('/api/v1/retention/sweeps', { params: { query: { limit: 50 } } })),
  });
  const run = useMutation({
    mutationFn: (dryRun: boolean) => body(api.POST('/api/v1/retention/sweeps', { body: { dryRun } })),
    onSuccess: async (s) => {
      notifications.show({
        message: `${s.dryRun ? 'Dry run' : 'Sweep'} ${s.status}: ${s.erased} erased, ${s.anonymised} anonymised, ${s.blocked} blocked, ${s.failed} failed.`,
      });
      await queryClient.invalidateQueries({ queryKey: ['retention'] });
      await queryClient.invalidateQueries({ queryKey: ['erasure-certificates'] });
    },
  });
  return (
    <Stack>
      {canWrite ? (
        <Group>
          <Button
            color="red"
            onClick={() => run.mutate(false)}
            loading={run.isPending && run.variables === false}
          >
            Run sweep now
          </Button>
          <Button
            variant="default"
            onClick={() => run.mutate(true)}
            loading={run.isPending && run.variables === true}
          >
            Dry run
          </Button>
        </Group>
      ) : null}
      <ProblemAlert error={run.error ?? runs.error} />
      {runs.isPending ? (
        <PageLoader />
      ) : (runs.data?.items.length ?? 0) === 0 ? (
        <Text>No sweep yet. The scheduled sweep runs daily.</Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped aria-label="Retention sweeps">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Started</Table.Th>
                <Table.Th>By</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Due</Table.Th>
                <Table.Th>Erased</Table.Th>
                <Table.Th>Anonymised</Table.Th>
                <Table.Th>Blocked</Table.Th>
                <Table.Th>Kept by exception</Table.Th>
                <Table.Th>Failed</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {runs.data?.items.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>{formatDateTime(s.startedAt)}</Table.Td>
                  <Table.Td>
                    {s.trigger}
                    {s.dryRun ? (
                      <Badge ml="xs" color="gray">
                        dry run
                      </Badge>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Badge
                      color={s.status === 'completed' ? 'green' : s.status === 'failed' ? 'red' : 'yellow'}
                    >
                      {s.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{s.due}</Table.Td>
                  <Table.Td>{s.erased}</Table.Td>
                  <Table.Td>{s.anonymised}</Table.Td>
                  <Table.Td>{s.blocked}</Table.Td>
                  <Table.Td>{s.kept}</Table.Td>
                  <Table.Td>{s.failed}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

/** Retention: policies, the preview of the next sweep with its reasons, and the sweeps run so far. */
export function RetentionPage() {
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('retention:write');
  return (
    <>
      <PageHeader
        title="Retention"
        description="Storage limitation (Art. 5(1)(e)): how long personal data is kept, counted from which event, and what happens then. Every erasure or anonymisation goes through the erasure pipeline and leaves a certificate."
      />
      <Tabs defaultValue="policies" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="policies">Policies</Tabs.Tab>
          <Tabs.Tab value="preview">Next sweep</Tabs.Tab>
          <Tabs.Tab value="runs">Sweeps</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="policies">
          <PoliciesTab canWrite={canWrite} />
        </Tabs.Panel>
        <Tabs.Panel value="preview">
          <PreviewTab />
        </Tabs.Panel>
        <Tabs.Panel value="runs">
          <RunsTab canWrite={canWrite} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
