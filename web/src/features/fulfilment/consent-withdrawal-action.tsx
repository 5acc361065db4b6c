import { Button, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { ifMatch, type FulfilmentPanelProps } from './fulfilment-query.ts';

/** Consent withdrawal (Art. 7(3)): withdraws every consent in force, or the purposes the request names. */
export function ConsentWithdrawalAction({ request, onChanged }: FulfilmentPanelProps) {
  const { api } = useApi();
  const withdraw = useMutation({
    mutationFn: () =>
      body(
        api.POST('/api/v1/requests/{id}/fulfilment/consent-withdrawal', {
          params: { path: { id: request.id }, header: ifMatch(request.version) },
          body: {},
        }),
      ),
    onSuccess: (r) => {
      notifications.show({
        color: 'green',
        message: r.withdrawn.length
          ? `Consent withdrawn: ${r.withdrawn.join(', ')}.`
          : 'No consent in force to withdraw.',
      });
      onChanged();
    },
  });
  return (
    <Stack gap="sm" data-testid="fulfilment-consent-withdrawal">
      <Text size="sm">
        Records a withdrawal for the purposes the person named, or for every consent in force.
      </Text>
      <ProblemAlert error={withdraw.error} />
      <Group>
        <Button size="xs" loading={withdraw.isPending} onClick={() => withdraw.mutate()}>
          Withdraw consent
        </Button>
      </Group>
    </Stack>
  );
}
