import { Badge, Button, Group, SegmentedControl, Stack, Table, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import {
  fulfilmentKey,
  ifMatch,
  type RequestObjection,
  type FulfilmentPanelProps,
} from './fulfilment-query.ts';

const outcomeColors = { pending: 'orange', upheld: 'green', rejected: 'gray' } as const;

/**
 * Objection (Art. 21): record it (direct marketing is upheld at once; legitimate-interest purposes wait, paused,
 * for an assessment), then record each pending objection's assessment and outcome.
 */
export function ObjectionActions({ request, onChanged }: FulfilmentPanelProps) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const listed = useQuery({
    queryKey: [...fulfilmentKey(request.id), 'objections'],
    queryFn: () =>
      body(api.GET('/api/v1/requests/{id}/fulfilment/objection', { params: { path: { id: request.id } } })),
  });
  const done = () => {
    void queryClient.invalidateQueries({ queryKey: fulfilmentKey(request.id) });
    onChanged();
  };
  const raise = useMutation({
    mutationFn: () =>
      body(
        api.POST('/api/v1/requests/{id}/fulfilment/objection', {
          params: { path: { id: request.id }, header: ifMatch(request.version) },
          body: {},
        }),
      ),
    onSuccess: () => {
      notifications.show({ color: 'green', message: 'Objection recorded.' });
      done();
    },
  });
  const objections = listed.data?.objections ?? [];
  return (
    <Stack gap="sm" data-testid="fulfilment-objection">
      {objections.length === 0 ? (
        <>
          <Text size="sm">
            Records the objection for the purposes the person named (or every purpose they may object to).
          </Text>
          <ProblemAlert error={raise.error} />
          <Group>
            <Button size="xs" loading={raise.isPending} onClick={() => raise.mutate()}>
              Record objection
            </Button>
          </Group>
        </>
      ) : (
        <Table>
          <Table.Tbody>
            {objections.map((o) => (
              <Table.Tr key={o.objectionId}>
                <Table.Td>{o.purpose}</Table.Td>
                <Table.Td>
                  <Badge color={outcomeColors[o.outcome]}>{o.outcome}</Badge>
                </Table.Td>
                <Table.Td>
                  {o.outcome === 'pending' ? (
                    <AssessmentForm request={request} objection={o} onDone={done} />
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

function AssessmentForm({
  request,
  objection,
  onDone,
}: {
  request: FulfilmentPanelProps['request'];
  objection: RequestObjection;
  onDone: () => void;
}) {
  const { api } = useApi();
  const [outcome, setOutcome] = useState<'upheld' | 'rejected'>('upheld');
  const [assessment, setAssessment] = useState('');
  const assess = useMutation({
    mutationFn: () =>
      body(
        api.POST('/api/v1/requests/{id}/fulfilment/objection/assessment', {
          params: { path: { id: request.id }, header: ifMatch(request.version) },
          body: { objectionId: objection.objectionId, outcome, assessment: assessment.trim() },
        }),
      ),
    onSuccess: () => {
      notifications.show({ color: 'green', message: `Objection ${outcome}.` });
      onDone();
    },
  });
  return (
    <Stack gap="xs">
      <Textarea
        label="Assessment (the person is told the outcome)"
        autosize
        minRows={2}
        maxLength={1500}
        value={assessment}
        onChange={(e) => setAssessment(e.currentTarget.value)}
      />
      <SegmentedControl
        size="xs"
        value={outcome}
        onChange={(v) => setOutcome(v as 'upheld' | 'rejected')}
        data={[
          { value: 'upheld', label: 'Uphold' },
          { value: 'rejected', label: 'Reject: compelling grounds' },
        ]}
      />
      <ProblemAlert error={assess.error} />
      <Group>
        <Button
          size="xs"
          disabled={assessment.trim().length < 20}
          loading={assess.isPending}
          onClick={() => assess.mutate()}
        >
          Record assessment
        </Button>
      </Group>
    </Stack>
  );
}
