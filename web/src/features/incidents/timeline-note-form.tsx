import { Button, Group, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { incidentsKey } from './incidents-query.ts';

/** Adds an action to an incident's timeline (a call, a decision, a phase of the notification). */
export function TimelineNoteForm({ incidentId }: { incidentId: string }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const add = useMutation({
    mutationFn: () =>
      body(
        api.POST('/api/v1/incidents/{id}/timeline', { params: { path: { id: incidentId } }, body: { note } }),
      ),
    onSuccess: async () => {
      setNote('');
      await queryClient.invalidateQueries({ queryKey: incidentsKey });
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <ProblemAlert error={add.error} />
      <Group align="flex-end" mt="sm">
        <TextInput
          label="Add an action"
          placeholder="What was done (no names)"
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          style={{ flex: 1 }}
        />
        <Button type="submit" variant="light" loading={add.isPending} disabled={!note.trim()}>
          Add
        </Button>
      </Group>
    </form>
  );
}
