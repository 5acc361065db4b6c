import { Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { priorityLabels, tasksQueryKey, timelinesQueryKey, type NewTask, type TaskPriority } from './tasks-query.ts';

/**
 * Creates a task assigned to the signed-in user, optionally about a record (then linked to it). Due date and time are
 * UTC, as the server computes overdue from its clock.
 *
 * @example
 * <NewTaskModal opened={open} onClose={() => setOpen(false)} link={{ entity: 'person', id }} />
 */
export function NewTaskModal({
  opened,
  onClose,
  link,
}: {
  opened: boolean;
  onClose: () => void;
  link?: NewTask['link'];
}) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const session = useSession();
  const [title, setTitle] = useState('');
  const [dueDate, setDueDate] = useState('');
  const [dueTime, setDueTime] = useState('');
  const [priority, setPriority] = useState<TaskPriority>('normal');
  const create = useMutation({
    mutationFn: () => {
      const request: NewTask = {
        title: title.trim(),
        priority,
        ...(dueDate ? { dueDate } : {}),
        ...(dueDate && dueTime ? { dueTime } : {}),
        ...(session.status === 'signed-in' ? { assigneeId: session.me.id } : {}),
        ...(link ? { link } : {}),
      };
      return body(api.POST('/api/v1/tasks', { body: request }));
    },
    onSuccess: async () => {
      notifications.show({ color: 'green', message: 'Task created.' });
      setTitle('');
      setDueDate('');
      setDueTime('');
      setPriority('normal');
      create.reset();
      onClose();
      await queryClient.invalidateQueries({ queryKey: tasksQueryKey });
      await queryClient.invalidateQueries({ queryKey: timelinesQueryKey });
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title="New task">
      <form onSubmit={(e) => { e.preventDefault(); create.mutate(); }} noValidate>
        <Stack>
          <ProblemAlert error={create.error} />
          <TextInput label="Title" required maxLength={300} data-autofocus value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
          <Group grow>
            <TextInput label="Due date" type="date" value={dueDate} onChange={(e) => setDueDate(e.currentTarget.value)} />
            <TextInput label="Time (UTC)" type="time" value={dueTime} disabled={!dueDate} onChange={(e) => setDueTime(e.currentTarget.value)} />
          </Group>
          <Select
            label="Priority"
            allowDeselect={false}
            value={priority}
            onChange={(v) => setPriority((v ?? 'normal') as TaskPriority)}
            data={(Object.keys(priorityLabels) as TaskPriority[]).map((p) => ({ value: p, label: priorityLabels[p] }))}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending} disabled={title.trim() === ''}>
              Create task
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
