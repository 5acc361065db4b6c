import { Button, Group, Modal, PasswordInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import type { RequestBody } from '../../api/api-types.ts';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { usersQueryKey } from './users-query.ts';

type NewUser = RequestBody<'/api/v1/users', 'post'>;

/** Creates a user. Without a password, the server emails an invitation to choose one. */
export function CreateUserModal({
  opened,
  onClose,
  roleOptions,
}: {
  opened: boolean;
  onClose: () => void;
  roleOptions: { value: string; label: string }[];
}) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: { email: '', name: '', roleKey: '', password: '' },
    validate: {
      email: (v) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? null : 'Enter an email address'),
      name: (v) => (v.trim().length > 0 ? null : 'Enter a name'),
      roleKey: (v) => (v ? null : 'Choose a role'),
      password: (v) =>
        v === '' || v.length >= 12 ? null : 'Use at least 12 characters, or leave empty to invite',
    },
  });
  const create = useMutation({
    mutationFn: (values: typeof form.values) => {
      const request: NewUser = {
        email: values.email.trim(),
        name: values.name.trim(),
        roleKey: values.roleKey,
      };
      if (values.password) request.password = values.password;
      return body(api.POST('/api/v1/users', { body: request }));
    },
    onSuccess: async () => {
      notifications.show({ color: 'green', message: 'User created.' });
      form.reset();
      create.reset();
      onClose();
      await queryClient.invalidateQueries({ queryKey: usersQueryKey });
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title="New user">
      <form onSubmit={form.onSubmit((values) => create.mutate(values))} noValidate>
        <Stack>
          <ProblemAlert error={create.error} />
          <TextInput
            label="Name"
            required
            autoComplete="off"
            maxLength={200}
            data-autofocus
            {...form.getInputProps('name')}
          />
          <TextInput
            label="Email"
            type="email"
            required
            autoComplete="off"
            maxLength={254}
            {...form.getInputProps('email')}
          />
          <Select
            label="Role"
            required
            data={roleOptions}
            placeholder="Choose a role"
            allowDeselect={false}
            {...form.getInputProps('roleKey')}
            value={form.values.roleKey || null}
            onChange={(value) => form.setFieldValue('roleKey', value ?? '')}
          />
          <PasswordInput
            label="Initial password"
            description="Optional. Leave empty to email an invitation link instead."
            autoComplete="new-password"
            {...form.getInputProps('password')}
          />
          <Text size="xs" c="dimmed">
            The creation is recorded in the audit log under your name.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
