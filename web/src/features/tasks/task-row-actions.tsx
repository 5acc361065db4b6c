import { Badge, Button, Checkbox, Group, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { EditTaskModal } from './edit-task-modal.tsx';
import { dueLabel, ifMatch, priorityLabels, tasksQueryKey, timelinesQueryKey, type Task } from './tasks-query.ts';

/**
 * One task in a list: a checkbox that completes (or reopens) it with If-Match, its title, due date, priority, a clear
 * "Overdue" badge and, for users who may write, "Edit". Hidden titles (the gate refused the linked person under this
 * purpose) say so.
 *
 * @example
 * <TaskLine task={task} canWrite onError={setError} />
 */
export function TaskLine({ task, canWrite, onError }: { task: Task; canWrite: boolean; onError: (error: unknown) => void }) {
  const [editing, setEditing] = useState(false);
  const { api } = useApi();
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: () =>
      body(api.PATCH('/api/v1/tasks/{id}', { params: { path: { id: task.id }, header: ifMatch(task.version) }, body: { status: task.status === 'done' ? 'open' : 'done' } })),
    onError,
    onSettled: async () => {
      await queryClient.invalidateQueries({ queryKey: tasksQueryKey });
      await queryClient.invalidateQueries({ queryKey: timelinesQueryKey });
    },
  });
  const title = task.hidden ? 'Hidden under this purpose' : (task.title ?? '');
  return (
    <Group gap="sm" wrap="nowrap" data-testid="task-line" data-overdue={task.overdue ? 'true' : 'false'}>
      <Checkbox
        aria-label={`Done: ${title}`}
        checked={task.status === 'done'}
        disabled={!canWrite || toggle.isPending || task.status === 'cancelled'}
        onChange={() => toggle.mutate()}
      />
      <div style={{ flex: 1 }}>
        <Text size="sm" fw={500} td={task.status === 'done' ? 'line-through' : undefined} c={task.hidden ? 'dimmed' : undefined}>
          {title}
        </Text>
        <Text size="xs" c={task.overdue ? 'red' : 'dimmed'}>
          Due {dueLabel(task)} · {priorityLabels[task.priority]} priority
        </Text>
      </div>
      {task.overdue ? (
        <Badge color="red" variant="filled" miw="max-content">
          Overdue
        </Badge>
      ) : null}
      {canWrite ? (
        <Button size="compact-xs" variant="subtle" aria-label={`Edit: ${title}`} onClick={() => setEditing(true)}>
          Edit
        </Button>
      ) : null}
      {editing ? <EditTaskModal task={task} onClose={() => setEditing(false)} /> : null}
    </Group>
  );
}
