import { Badge, Button, Stack, Table, Tabs, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { ModuleEditorModal } from './module-editor-modal.tsx';
import { RulesPanel } from './rules-panel.tsx';
import { TrainingReportPanel } from './training-report-panel.tsx';
import { trainingQueryKey, type TrainingModule } from './training-query.ts';

/** Staff training for managers (`/training`): modules and their quiz, assignments by role, completion report. */
export function TrainingPage() {
  const { api } = useApi();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('governance:write');
  const [editing, setEditing] = useState<TrainingModule | null>(null);
  const [creating, setCreating] = useState(false);
  const modules = useQuery({ queryKey: [...trainingQueryKey, 'modules'], queryFn: () => body(api.GET('/api/v1/training/modules')) });
  const items = modules.data?.items ?? [];
  const queryClient = useQueryClient();
  const installStarters = useMutation({
    mutationFn: () => body(api.POST('/api/v1/training/modules/starter')),
    onSuccess: async (r) => {
      notifications.show({ color: 'green', message: `${r.added} starter module(s) added.` });
      await queryClient.invalidateQueries({ queryKey: trainingQueryKey });
    },
  });
  // Workspaces created before training existed have none of the three starter modules.
  const startersMissing = !modules.isPending && items.filter((m) => m.starterKey !== null).length < 3;

  return (
    <>
      <PageHeader
        title="Staff training"
        description="Modules with a quiz, assigned to roles with a due date; refreshers re-assign them. With the setting “training required before personal data” on, users cannot reach personal data until theirs is complete."
        actions={
          canWrite ? (
            <>
              {startersMissing ? (
                <Button variant="default" onClick={() => installStarters.mutate()} loading={installStarters.isPending}>
                  Add starter modules
                </Button>
              ) : null}
              <Button onClick={() => setCreating(true)}>New module</Button>
            </>
          ) : null
        }
      />
      <Tabs defaultValue="modules" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="modules">Modules</Tabs.Tab>
          <Tabs.Tab value="assignments">Assignments</Tabs.Tab>
          <Tabs.Tab value="report">Completion report</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="modules">
          <Stack>
            <ProblemAlert error={modules.error ?? installStarters.error} />
            {modules.isPending ? (
              <PageLoader />
            ) : items.length === 0 ? (
              <Text>No modules yet.</Text>
            ) : (
              <Table striped verticalSpacing="sm" aria-label="Training modules">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Module</Table.Th>
                    <Table.Th>Questions</Table.Th>
                    <Table.Th>Pass mark</Table.Th>
                    <Table.Th>Refresher</Table.Th>
                    <Table.Th>Version</Table.Th>
                    <Table.Th>State</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((m) => (
                    <Table.Tr key={m.id}>
                      <Table.Td>
                        <Text size="sm" fw={500}>
                          {m.title}
                        </Text>
                        {m.starterKey ? (
                          <Text size="xs" c="dimmed">
                            Starter module
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>{m.quiz.length}</Table.Td>
                      <Table.Td>{m.passMark} %</Table.Td>
                      <Table.Td ff="monospace">{m.refresherInterval ?? '—'}</Table.Td>
                      <Table.Td>{m.version}</Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={m.active ? 'green' : 'gray'}>
                          {m.active ? 'Active' : 'Inactive'}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        {canWrite ? (
                          <Button size="compact-sm" variant="light" onClick={() => setEditing(m)} aria-label={`Edit ${m.title}`}>
                            Edit
                          </Button>
                        ) : null}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="assignments">
          <RulesPanel modules={items} canWrite={canWrite} />
        </Tabs.Panel>
        <Tabs.Panel value="report">
          <TrainingReportPanel />
        </Tabs.Panel>
      </Tabs>
      <ModuleEditorModal
        module={editing}
        opened={creating || editing !== null}
        onClose={() => {
          setCreating(false);
          setEditing(null);
        }}
      />
    </>
  );
}
