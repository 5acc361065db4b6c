import { Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { ifMatch, priorityLabels, tasksQueryKey, timelinesQueryKey, type Task, type TaskPriority } from './tasks-query.ts';

type Status = Task['status'];
const statusLabels: Record<Status, string> = { open: 'Open', done: 'Done', cancelled: 'Cancelled' };

/**
 * Changes a task (title, due date and time, priority, status) with If-Match on the version shown; a concurrent change
 * answers 412 and is shown. Mounted only while open, so it starts from the task as listed.
 *
 * @example
 * {editing ? <EditTaskModal task={task} onClose={() => setEditing(false)} /> : null}
 */
export function EditTaskModal({ task, onClose }: { task: Task; onClose: () => void }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState(task.title ?? '');
  const [dueDate, setDueDate] = useState(task.dueDate ?? '');
  const [dueTime, setDueTime] = useState(task.dueTime ?? '');
  const [priority, setPriority] = useState<TaskPriority>(task.priority);
  const [status, setStatus] = useState<Status>(task.status);
  const save = useMutation({
    mutationFn: () =>
      body(
        api.PATCH('/api/v1/tasks/{id}', {
          params: { path: { id: task.id }, header: ifMatch(task.version) },
          body: {
            ...(task.hidden ? {} : { title: title.trim() }),
            dueDate: dueDate || null,
            dueTime: dueDate && dueTime ? dueTime : null,
            priority,
            status,
          },
        }),
      ),
    onSuccess: async () => {
      notifications.show({ color: 'green', message: 'Task saved.' });
      onClose();
      await queryClient.invalidateQueries({ queryKey: tasksQueryKey });
      await queryClient.invalidateQueries({ queryKey: timelinesQueryKey });
    },
  });
  return (
    <Modal opened onClose={onClose} title="Edit task">
      <form onSubmit={(e) => { e.preventDefault(); save.mutate(); }} noValidate>
        <Stack>
          <ProblemAlert error={save.error} />
          {task.hidden ? null : (
            <TextInput label="Title" required maxLength={300} data-autofocus value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
          )}
          <Group grow>
            <TextInput label="Due date" type="date" value={dueDate} onChange={(e) => setDueDate(e.currentTarget.value)} />
            <TextInput label="Time (UTC)" type="time" value={dueTime} disabled={!dueDate} onChange={(e) => setDueTime(e.currentTarget.value)} />
          </Group>
          <Group grow>
            <Select
              label="Priority"
              allowDeselect={false}
              value={priority}
              onChange={(v) => setPriority((v ?? 'normal') as TaskPriority)}
              data={(Object.keys(priorityLabels) as TaskPriority[]).map((p) => ({ value: p, label: priorityLabels[p] }))}
            />
            <Select
              label="Status"
              allowDeselect={false}
              value={status}
              onChange={(v) => setStatus((v ?? 'open') as Status)}
              data={(Object.keys(statusLabels) as Status[]).map((s) => ({ value: s, label: statusLabels[s] }))}
            />
          </Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending} disabled={!task.hidden && title.trim() === ''}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
