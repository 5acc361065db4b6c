import { Alert, Button, Group, Paper, SegmentedControl, Stack, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { NewTaskModal } from './new-task-modal.tsx';
import { TaskLine } from './task-row-actions.tsx';
import { tasksQueryKey, type TaskList } from './tasks-query.ts';

type Show = 'open' | 'overdue' | 'done';

/**
 * "My tasks", at `/tasks`: the signed-in user's tasks by due time, overdue ones flagged in red and counted at the top,
 * completed with one click.
 */
export function MyTasksPage() {
  const { api } = useApi();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('crm:write');
  const [show, setShow] = useState<Show>('open');
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const tasks = useInfiniteQuery({
    queryKey: [...tasksQueryKey, 'mine', show],
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: TaskList) => last.nextCursor ?? undefined,
    queryFn: ({ pageParam }) =>
      body(
        api.GET('/api/v1/tasks', {
          params: {
            query: {
              assignee: 'me',
              status: show === 'done' ? 'done' : 'open',
              ...(show === 'overdue' ? { overdue: true } : {}),
              limit: 50,
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
  });
  const items = tasks.data?.pages.flatMap((p) => p.items) ?? [];
  const overdue = items.filter((t) => t.overdue).length;
  return (
    <>
      <PageHeader
        title="My tasks"
        description="Tasks assigned to you, soonest due first."
        actions={canWrite ? <Button onClick={() => setCreating(true)}>New task</Button> : null}
      />
      <Stack>
        <SegmentedControl
          aria-label="Show"
          value={show}
          onChange={(v) => setShow(v as Show)}
          data={[
            { value: 'open', label: 'Open' },
            { value: 'overdue', label: 'Overdue' },
            { value: 'done', label: 'Done' },
          ]}
          w="max-content"
        />
        {show !== 'done' && overdue > 0 ? (
          <Alert color="red" title={`${overdue} overdue`} data-testid="overdue-summary">
            {overdue === 1 ? 'One task is past its due time.' : `${overdue} tasks are past their due time.`}
          </Alert>
        ) : null}
        <ProblemAlert error={tasks.error ?? error} />
        {tasks.isPending ? <PageLoader /> : null}
        <Paper withBorder p="md" radius="md">
          <Stack gap="sm">
            {tasks.isSuccess && items.length === 0 ? (
              <Text size="sm" c="dimmed">
                Nothing here.
              </Text>
            ) : null}
            {items.map((task) => (
              <TaskLine key={task.id} task={task} canWrite={canWrite} onError={setError} />
            ))}
          </Stack>
        </Paper>
        {tasks.hasNextPage ? (
          <Group justify="center">
            <Button variant="subtle" loading={tasks.isFetchingNextPage} onClick={() => void tasks.fetchNextPage()}>
              More
            </Button>
          </Group>
        ) : null}
      </Stack>
      <NewTaskModal opened={creating} onClose={() => setCreating(false)} />
    </>
  );
}
