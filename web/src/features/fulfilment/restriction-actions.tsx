import { Button, Group, Select, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import {
  ifMatch,
  restrictionReasonLabels,
  type RestrictionReason,
  type FulfilmentPanelProps,
} from './fulfilment-query.ts';

/**
 * Restriction (Art. 18): restrict with the ground; later, email the person a lift notice with the reason, then lift
 * (the server refuses a lift until the notice was sent).
 */
export function RestrictionActions({ request, onChanged }: FulfilmentPanelProps) {
  const { api } = useApi();
  const [reason, setReason] = useState<RestrictionReason | null>(null);
  const [why, setWhy] = useState('');
  const params = { path: { id: request.id }, header: ifMatch(request.version) };
  const restrict = useMutation({
    mutationFn: () =>
      body(
        api.POST('/api/v1/requests/{id}/fulfilment/restriction', {
          params,
          body: { reason: reason ?? 'accuracy_contested' },
        }),
      ),
    onSuccess: () => {
      notifications.show({
        color: 'green',
        message: 'Processing restricted: storage and legal claims only.',
      });
      onChanged();
    },
  });
  const notice = useMutation({
    mutationFn: () =>
      body(
        api.POST('/api/v1/requests/{id}/fulfilment/restriction/lift-notice', {
          params,
          body: { reason: why.trim() },
        }),
      ),
    onSuccess: () => {
      notifications.show({ color: 'green', message: 'Lift notice emailed to the person.' });
      setWhy('');
      onChanged();
    },
  });
  const lift = useMutation({
    mutationFn: () =>
      body(api.POST('/api/v1/requests/{id}/fulfilment/restriction/lift', { params, body: {} })),
    onSuccess: () => {
      notifications.show({ color: 'green', message: 'Restriction lifted.' });
      onChanged();
    },
  });
  if (request.status !== 'completed') {
    return (
      <Stack gap="sm" data-testid="fulfilment-restriction">
        <Select
          label="Ground of the restriction"
          value={reason}
          onChange={(v) => setReason(v as RestrictionReason | null)}
          data={Object.entries(restrictionReasonLabels).map(([value, label]) => ({ value, label }))}
        />
        <ProblemAlert error={restrict.error} />
        <Group>
          <Button
            size="xs"
            disabled={reason === null}
            loading={restrict.isPending}
            onClick={() => restrict.mutate()}
          >
            Restrict processing
          </Button>
        </Group>
      </Stack>
    );
  }
  return (
    <Stack gap="sm" data-testid="fulfilment-restriction-lift">
      <Text size="sm">The person must be told before the restriction is lifted (Art. 18(3)).</Text>
      <Textarea
        label="Why it will be lifted (sent to the person)"
        autosize
        minRows={2}
        maxLength={1000}
        value={why}
        onChange={(e) => setWhy(e.currentTarget.value)}
      />
      <ProblemAlert error={notice.error ?? lift.error} />
      <Group>
        <Button
          size="xs"
          variant="light"
          disabled={why.trim() === ''}
          loading={notice.isPending}
          onClick={() => notice.mutate()}
        >
          Email lift notice
        </Button>
        <Button size="xs" loading={lift.isPending} onClick={() => lift.mutate()}>
          Lift restriction
        </Button>
      </Group>
    </Stack>
  );
}
