import { Button, Group, Modal, NumberInput, Stack, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { ifMatch, incidentsKey, type Incident } from './incidents-query.ts';

/** Staff's correction of the computed people and records, always with a reason; or back to the computation. */
export function ScopeOverrideButton({ incident }: { incident: Incident }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [peopleCount, setPeopleCount] = useState<number | string>(incident.effective.people ?? '');
  const [records, setRecords] = useState<number | string>(incident.effective.records ?? '');
  const [reason, setReason] = useState(incident.scopeOverride?.reason ?? '');
  const save = useMutation({
    mutationFn: (clear: boolean) =>
      body(
        api.PATCH('/api/v1/incidents/{id}', {
          params: { path: { id: incident.id }, header: ifMatch(incident.version) },
          body: {
            scopeOverride: clear
              ? null
              : {
                  people: typeof peopleCount === 'number' ? peopleCount : null,
                  records: typeof records === 'number' ? records : null,
                  categories: null,
                  reason,
                },
          },
        }),
      ),
    onSuccess: async () => {
      setOpen(false);
      await queryClient.invalidateQueries({ queryKey: incidentsKey });
    },
  });
  return (
    <>
      <Button size="xs" variant="default" onClick={() => setOpen(true)}>
        Override numbers
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title="Override the computed numbers">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(false);
          }}
        >
          <Stack>
            <ProblemAlert error={save.error} />
            <NumberInput label="People (approximate)" min={0} value={peopleCount} onChange={setPeopleCount} />
            <NumberInput label="Records (approximate)" min={0} value={records} onChange={setRecords} />
            <Textarea
              label="Reason"
              required
              autosize
              minRows={2}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
            />
            <Group justify="space-between">
              {incident.scopeOverride ? (
                <Button variant="subtle" onClick={() => save.mutate(true)} loading={save.isPending}>
                  Use the computed numbers
                </Button>
              ) : (
                <span />
              )}
              <Button type="submit" loading={save.isPending}>
                Save override
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
