import { Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import {
  consentMethodLabels,
  peopleQueryKey,
  type ConsentMethod,
  type PurposeStanding,
} from './people-query.ts';

/** What the consent dialog records: a consent given or withdrawn, for one purpose. */
export interface ConsentChange {
  readonly standing: PurposeStanding;
  readonly state: 'given' | 'withdrawn';
}

/**
 * Records a consent given or withdrawn (append-only evidence: how it was collected and which notice was shown).
 *
 * @example
 * <ConsentModal personId={id} change={{ standing, state: 'given' }} onClose={close} />
 */
export function ConsentModal({
  personId,
  change,
  onClose,
}: {
  personId: string;
  change: ConsentChange | null;
  onClose: () => void;
}) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: { method: 'in_person' as ConsentMethod, noticeVersion: '' },
    validate: { noticeVersion: (v) => (v.trim().length <= 64 ? null : 'At most 64 characters') },
  });
  const record = useMutation({
    mutationFn: (values: typeof form.values) =>
      body(
        api.POST('/api/v1/people/{id}/consents', {
          params: { path: { id: personId } },
          body: {
            purpose: change?.standing.purpose ?? '',
            state: change?.state ?? 'given',
            method: values.method,
            noticeVersion: values.noticeVersion.trim() || null,
          },
        }),
      ),
    onSuccess: async (recorded) => {
      notifications.show({
        color: 'green',
        message: `Consent ${recorded.state} recorded for ${recorded.purpose}.`,
      });
      form.reset();
      record.reset();
      onClose();
      await queryClient.invalidateQueries({ queryKey: [...peopleQueryKey, personId] });
    },
  });
  const given = change?.state === 'given';
  return (
    <Modal
      opened={change !== null}
      onClose={onClose}
      title={given ? 'Record consent given' : 'Record consent withdrawn'}
    >
      <form onSubmit={form.onSubmit((values) => record.mutate(values))} noValidate>
        <Stack>
          <ProblemAlert error={record.error} />
          <Text size="sm">
            Purpose: <strong>{change?.standing.name}</strong> ({change?.standing.purpose})
          </Text>
          <Select
            label={given ? 'How was consent given?' : 'How was consent withdrawn?'}
            required
            allowDeselect={false}
            data={Object.entries(consentMethodLabels).map(([value, label]) => ({ value, label }))}
            {...form.getInputProps('method')}
          />
          {given ? (
            <TextInput
              label="Notice version"
              description="The privacy notice shown when consent was asked (optional)"
              maxLength={64}
              {...form.getInputProps('noticeVersion')}
            />
          ) : (
            <Text size="xs" c="dimmed">
              Withdrawal takes effect at once; processing before it stays lawful (Art. 7(3)).
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={record.isPending} color={given ? undefined : 'orange'}>
              {given ? 'Record consent' : 'Record withdrawal'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
