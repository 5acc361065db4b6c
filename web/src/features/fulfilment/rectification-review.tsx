import { Button, Group, SegmentedControl, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import {
  fulfilmentKey,
  ifMatch,
  type RectificationDecision,
  type FulfilmentPanelProps,
} from './fulfilment-query.ts';

type Choice = 'approve' | 'reject' | 'policy';

/** Rectification (Art. 16): proposed values next to the current ones; approve or reject each with a reason. */
export function RectificationReview({ request, onChanged }: FulfilmentPanelProps) {
  const { api } = useApi();
  const preview = useQuery({
    queryKey: [...fulfilmentKey(request.id), 'rectification'],
    queryFn: () =>
      body(
        api.GET('/api/v1/requests/{id}/fulfilment/rectification', { params: { path: { id: request.id } } }),
      ),
  });
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const lines = preview.data?.lines ?? [];
  const choiceOf = (field: string, autoApply: boolean): Choice =>
    choices[field] ?? (autoApply ? 'policy' : 'reject');
  const decide = useMutation({
    mutationFn: () => {
      const decisions: RectificationDecision[] = lines
        .filter((l) => choiceOf(l.field, l.autoApply) !== 'policy')
        .map((l) => ({
          field: l.field,
          decision: choiceOf(l.field, l.autoApply) as 'approve' | 'reject',
          reason: (reasons[l.field] ?? '').trim(),
        }));
      return body(
        api.POST('/api/v1/requests/{id}/fulfilment/rectification', {
          params: { path: { id: request.id }, header: ifMatch(request.version) },
          body: { decisions },
        }),
      );
    },
    onSuccess: (r) => {
      notifications.show({
        color: 'green',
        message: `Applied: ${r.applied.join(', ') || 'none'}. Rejected: ${r.rejected.join(', ') || 'none'}.`,
      });
      onChanged();
    },
  });
  if (preview.isPending) return <PageLoader />;
  if (!preview.data) return <ProblemAlert error={preview.error} />;
  const missingReason = lines.some(
    (l) => choiceOf(l.field, l.autoApply) !== 'policy' && (reasons[l.field] ?? '').trim() === '',
  );
  return (
    <Stack gap="sm" data-testid="fulfilment-rectification">
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Field</Table.Th>
            <Table.Th>Held now</Table.Th>
            <Table.Th>Proposed</Table.Th>
            <Table.Th>Decision</Table.Th>
            <Table.Th>Reason</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {lines.map((l) => (
            <Table.Tr key={l.field}>
              <Table.Td>{l.field}</Table.Td>
              <Table.Td>{l.current ?? <Text c="dimmed">none</Text>}</Table.Td>
              <Table.Td>{l.proposed}</Table.Td>
              <Table.Td>
                <SegmentedControl
                  size="xs"
                  aria-label={`Decision on ${l.field}`}
                  value={choiceOf(l.field, l.autoApply)}
                  onChange={(v) => setChoices({ ...choices, [l.field]: v as Choice })}
                  data={[
                    ...(l.autoApply ? [{ value: 'policy', label: 'Policy applies' }] : []),
                    { value: 'approve', label: 'Approve', disabled: !l.supported },
                    { value: 'reject', label: 'Reject' },
                  ]}
                />
              </Table.Td>
              <Table.Td>
                <TextInput
                  size="xs"
                  aria-label={`Reason for ${l.field}`}
                  disabled={choiceOf(l.field, l.autoApply) === 'policy'}
                  maxLength={500}
                  value={reasons[l.field] ?? ''}
                  onChange={(e) => setReasons({ ...reasons, [l.field]: e.currentTarget.value })}
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed">
        Approved values are written with the old ones kept in the person's history; the recipients of the data
        are told (Art. 19). A rejection's reason is told to the person.
      </Text>
      <ProblemAlert error={decide.error} />
      <Group>
        <Button size="xs" loading={decide.isPending} disabled={missingReason} onClick={() => decide.mutate()}>
          Apply decisions
        </Button>
      </Group>
    </Stack>
  );
}
