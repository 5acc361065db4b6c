import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { ContactFields, contactValidation, contactValuesOf, newPersonOf, type ContactValues } from './contact-form.tsx';
import { peopleQueryKey, purposeHeaders, withAppliedPurpose } from './people-query.ts';

/** Adds a person under the chosen purpose, then opens their page (by id). */
export function CreatePersonModal({
  opened,
  onClose,
  purpose,
}: {
  opened: boolean;
  onClose: () => void;
  purpose: string | null;
}) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const form = useForm<ContactValues>({ initialValues: contactValuesOf(), validate: contactValidation });
  const create = useMutation({
    mutationFn: (values: ContactValues) =>
      withAppliedPurpose(api.POST('/api/v1/people', { body: newPersonOf(values), headers: purposeHeaders(purpose) })),
    onSuccess: async ({ data, appliedPurpose }) => {
      notifications.show({
        color: 'green',
        message: `Person added under the purpose ${appliedPurpose ?? '—'}.`,
      });
      form.reset();
      create.reset();
      onClose();
      await queryClient.invalidateQueries({ queryKey: peopleQueryKey });
      await navigate(`/people/${data.id}`);
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title="New person" size="lg">
      <form onSubmit={form.onSubmit((values) => create.mutate(values))} noValidate>
        <Stack>
          <ProblemAlert error={create.error} />
          <ContactFields form={form} mode="create" />
          <Text size="xs" c="dimmed">
            Collected under the chosen purpose; fields it does not cover are refused (minimisation). Values
            are encrypted under the person’s own key.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Add person
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
