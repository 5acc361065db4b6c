import { Button, Group, Modal, Radio, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import type { Success } from '../../api/api-types.ts';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';

type Person = Success<'/api/v1/people/{id}', 'get'>;

const rows: { label: string; value: (p: Person) => string }[] = [
  { label: 'First name', value: (p) => p.firstName ?? '—' },
  { label: 'Last name', value: (p) => p.lastName ?? '—' },
  { label: 'Emails', value: (p) => p.emails.map((e) => e.value).join(', ') || '—' },
  { label: 'Phones', value: (p) => p.phones.map((e) => e.value).join(', ') || '—' },
  { label: 'Job title', value: (p) => p.jobTitle ?? '—' },
  { label: 'Lifecycle stage', value: (p) => p.lifecycleStage ?? '—' },
  { label: 'Tags', value: (p) => p.tags.join(', ') || '—' },
  { label: 'Source', value: (p) => p.provenance.source },
  { label: 'Added', value: (p) => p.createdAt.slice(0, 10) },
];

/**
 * Two possible duplicates side by side (read through the gate under `purpose`); the user picks the person to keep and
 * merges the other into them. The kept person's version goes in `If-Match`.
 *
 * @example
 * <MergePeopleModal ids={[a, b]} purpose="crm" onClose={close} onMerged={refresh} />
 */
export function MergePeopleModal({ ids, purpose, onClose, onMerged }: { ids: [string, string]; purpose: string; onClose: () => void; onMerged: () => void }) {
  const { api } = useApi();
  const headers = { 'Custodian-Purpose': purpose };
  const [kept, setKept] = useState(ids[0]);
  const people = useQuery({
    queryKey: ['people', 'merge', ...ids, purpose],
    queryFn: () => Promise.all(ids.map((id) => body(api.GET('/api/v1/people/{id}', { params: { path: { id } }, headers })))),
  });
  const merge = useMutation({
    mutationFn: async () => {
      const keep = people.data?.find((p) => p.id === kept);
      const other = ids.find((id) => id !== kept);
      if (!keep || !other) throw new Error('choose the person to keep');
      return body(
        api.POST('/api/v1/people/{id}/merge', {
          params: { path: { id: keep.id } },
          headers: { ...headers, 'If-Match': `"${keep.version}"` },
          body: { otherId: other },
        }),
      );
    },
    onSuccess: () => {
      notifications.show({ color: 'green', message: 'Merged: the other record was removed and its key destroyed.' });
      onMerged();
    },
  });
  return (
    <Modal opened onClose={onClose} title="Compare and merge" size="xl">
      <Stack>
        <ProblemAlert error={people.error ?? merge.error} />
        {people.isPending ? (
          <PageLoader />
        ) : people.data ? (
          <Radio.Group value={kept} onChange={setKept} label="Keep" description="The kept person’s values stay; blanks are filled from the other, whose emails and phones become secondary ones. Consents, objections and restrictions follow, the most protective winning.">
            <Table aria-label="Both people side by side" mt="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th />
                  {people.data.map((p, i) => (
                    <Table.Th key={p.id}>
                      <Radio value={p.id} label={`Person ${i + 1}`} />
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => (
                  <Table.Tr key={row.label}>
                    <Table.Td><Text size="sm" fw={500}>{row.label}</Text></Table.Td>
                    {people.data.map((p) => (
                      <Table.Td key={p.id}>{row.value(p)}</Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Radio.Group>
        ) : null}
        <Text size="sm" c="dimmed">The other record is removed and its data key destroyed: this cannot be undone.</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button color="red" onClick={() => merge.mutate()} loading={merge.isPending} disabled={!people.data}>
            Merge into the kept person
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
