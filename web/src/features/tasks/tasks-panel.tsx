import { Button, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { NewTaskModal } from './new-task-modal.tsx';
import { TaskLine } from './task-row-actions.tsx';
import { tasksQueryKey } from './tasks-query.ts';

type Entity = 'person' | 'organization' | 'deal';

/** The tasks about a record, with "New task" linked to it (the detail page frames it and gives it its title). */
function TasksPanel({ entity, recordId }: { entity: Entity; recordId: string }) {
  const { api } = useApi();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('crm:write');
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const tasks = useQuery({
    queryKey: [...tasksQueryKey, entity, recordId],
    queryFn: () => body(api.GET('/api/v1/tasks', { params: { query: { linkedEntity: entity, linkedId: recordId, limit: 50 } } })),
  });
  const items = tasks.data?.items ?? [];
  return (
    <>
      <Stack gap="sm" data-testid="tasks-panel">
        <Group justify="flex-end">
          {canWrite ? (
            <Button size="xs" variant="light" onClick={() => setCreating(true)}>
              New task
            </Button>
          ) : null}
        </Group>
        <ProblemAlert error={tasks.error ?? error} />
        {tasks.isPending ? <PageLoader /> : null}
        {tasks.isSuccess && items.length === 0 ? (
          <Text size="sm" c="dimmed">
            No tasks.
          </Text>
        ) : null}
        {items.map((task) => (
          <TaskLine key={task.id} task={task} canWrite={canWrite} onError={setError} />
        ))}
      </Stack>
      <NewTaskModal opened={creating} onClose={() => setCreating(false)} link={{ entity, id: recordId }} />
    </>
  );
}

/** The tasks panel of a person's page. */
export function PersonTasksPanel({ recordId }: { recordId: string }) {
  return <TasksPanel entity="person" recordId={recordId} />;
}

/** The tasks panel of an organization's page. */
export function OrganizationTasksPanel({ recordId }: { recordId: string }) {
  return <TasksPanel entity="organization" recordId={recordId} />;
}

/** The tasks panel of a deal's page. */
export function DealTasksPanel({ recordId }: { recordId: string }) {
  return <TasksPanel entity="deal" recordId={recordId} />;
}
