import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { peopleQueryKey, purposeHeaders, withAppliedPurpose, type NewPerson } from './people-query.ts';

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
  const form = useForm({
    initialValues: { firstName: '', lastName: '', email: '', phone: '' },
    validate: {
      firstName: (v, values) =>
        v.trim() || values.lastName.trim() || values.email.trim() ? null : 'Enter a name or an email address',
      email: (v) => (v.trim() === '' || /^[^\s@]+@[^\s@]+$/.test(v.trim()) ? null : 'Enter an email address'),
      phone: (v) =>
        v.trim() === '' || /^\+?[0-9 ().\-/]*[0-9][0-9 ().\-/]*$/.test(v.trim())
          ? null
          : 'Digits, spaces and + ( ) . - / only',
    },
  });
  const create = useMutation({
    mutationFn: (values: typeof form.values) => {
      const request: NewPerson = {};
      for (const field of ['firstName', 'lastName', 'email', 'phone'] as const) {
        const value = values[field].trim();
        if (value) request[field] = value;
      }
      return withAppliedPurpose(
        api.POST('/api/v1/people', { body: request, headers: purposeHeaders(purpose) }),
      );
    },
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
    <Modal opened={opened} onClose={onClose} title="New person">
      <form onSubmit={form.onSubmit((values) => create.mutate(values))} noValidate>
        <Stack>
          <ProblemAlert error={create.error} />
          <Group grow>
            <TextInput
              label="First name"
              maxLength={200}
              autoComplete="off"
              data-autofocus
              {...form.getInputProps('firstName')}
            />
            <TextInput
              label="Last name"
              maxLength={200}
              autoComplete="off"
              {...form.getInputProps('lastName')}
            />
          </Group>
          <TextInput
            label="Email"
            type="email"
            maxLength={254}
            autoComplete="off"
            {...form.getInputProps('email')}
          />
          <TextInput
            label="Phone"
            type="tel"
            maxLength={40}
            autoComplete="off"
            {...form.getInputProps('phone')}
          />
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
