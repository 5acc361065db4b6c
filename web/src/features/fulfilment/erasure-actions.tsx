import { Alert, Anchor, Button, Group, List, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { fulfilmentKey, ifMatch, type ErasureResult, type FulfilmentPanelProps } from './fulfilment-query.ts';

/** Erasure (Art. 17): preview of legal holds and Art. 17(3) exceptions, then the erasure with its certificate. */
export function ErasureActions({ request, onChanged }: FulfilmentPanelProps) {
  const { api } = useApi();
  const [result, setResult] = useState<ErasureResult | null>(null);
  const [confirming, setConfirming] = useState(false);
  const closed =
    request.status === 'completed' || request.status === 'refused' || request.status === 'cancelled';
  const preview = useQuery({
    queryKey: [...fulfilmentKey(request.id), 'erasure'],
    queryFn: () =>
      body(api.GET('/api/v1/requests/{id}/fulfilment/erasure', { params: { path: { id: request.id } } })),
    enabled: result === null && !closed,
  });
  const erase = useMutation({
    mutationFn: () =>
      body(
        api.POST('/api/v1/requests/{id}/fulfilment/erasure', {
          params: { path: { id: request.id }, header: ifMatch(request.version) },
          body: {},
        }),
      ),
    onSuccess: (r) => {
      setResult(r);
      notifications.show({
        color: r.certificate ? 'green' : 'orange',
        message: r.certificate ? 'Erased; certificate issued.' : 'Refused: a legal hold applies.',
      });
      onChanged();
    },
  });
  if (result) {
    return (
      <Stack gap="xs" data-testid="fulfilment-erasure-result">
        {result.certificate ? (
          <Text size="sm">
            Certificate{' '}
            <Anchor component={Link} to={`/erasure/${result.certificate.id}`}>
              {result.certificate.id}
            </Anchor>
          </Text>
        ) : null}
        <List size="sm">
          {result.outcome.map((s) => (
            <List.Item key={s}>{s}</List.Item>
          ))}
        </List>
      </Stack>
    );
  }
  if (closed) return <Text size="sm">This request is {request.status}: nothing left to fulfil.</Text>;
  if (preview.isPending) return <PageLoader />;
  if (!preview.data) return <ProblemAlert error={preview.error} />;
  const p = preview.data;
  return (
    <Stack gap="sm" data-testid="fulfilment-erasure">
      {p.legalHolds.length > 0 ? (
        <Alert color="red" title="Legal hold">
          {p.legalHolds.length} active legal hold(s) cover this person: erasing now refuses the request (Art.
          17(3)(e)). Release the hold first if it no longer applies.
        </Alert>
      ) : null}
      <Text size="sm" fw={500}>
        Kept despite the erasure (Art. 17(3)):
      </Text>
      {p.kept.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing: every value is erased.
        </Text>
      ) : (
        <List size="sm">
          {p.kept.map((k) => (
            <List.Item key={`${k.eraser}-${k.category}-${k.purpose}`}>{k.sentence}</List.Item>
          ))}
        </List>
      )}
      <Text size="sm">
        Recipients told (Art. 19): {p.recipients.length === 0 ? 'none' : p.recipients.join(', ')}
      </Text>
      <ProblemAlert error={erase.error} />
      <Group>
        {confirming ? (
          <>
            <Text size="sm">Erasure cannot be undone.</Text>
            <Button size="xs" color="red" loading={erase.isPending} onClick={() => erase.mutate()}>
              Erase now
            </Button>
            <Button size="xs" variant="default" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
          </>
        ) : (
          <Button size="xs" color="red" onClick={() => setConfirming(true)}>
            Erase…
          </Button>
        )}
      </Group>
    </Stack>
  );
}
