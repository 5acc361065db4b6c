import { Button, Group, Modal, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import type { RequestBody } from '../../api/api-types.ts';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { usersQueryKey, type User } from './users-query.ts';

type UserChange = RequestBody<'/api/v1/users/{id}', 'patch'>;

/** Changes a user's name or role, or disables the account (which ends their sessions). */
export function EditUserModal({
  user,
  onClose,
  roleOptions,
}: {
  user: User | null;
  onClose: () => void;
  roleOptions: { value: string; label: string }[];
}) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const form = useForm({ initialValues: { name: '', roleKey: '', disabled: false } });
  const { setValues, resetDirty } = form;

  useEffect(() => {
    if (!user) return;
    const values = { name: user.name, roleKey: user.role.key, disabled: user.disabled };
    setValues(values);
    resetDirty(values);
  }, [user, setValues, resetDirty]);

  const save = useMutation({
    mutationFn: (values: typeof form.values) => {
      if (!user) throw new Error('no user');
      const change: UserChange = {};
      if (values.name.trim() !== user.name) change.name = values.name.trim();
      if (values.roleKey !== user.role.key) change.roleKey = values.roleKey;
      if (values.disabled !== user.disabled) change.disabled = values.disabled;
      return body(api.PATCH('/api/v1/users/{id}', { params: { path: { id: user.id } }, body: change }));
    },
    onSuccess: async () => {
      notifications.show({ color: 'green', message: 'User updated.' });
      save.reset();
      onClose();
      await queryClient.invalidateQueries({ queryKey: usersQueryKey });
    },
  });

  const options =
    user && !roleOptions.some((o) => o.value === user.role.key)
      ? [...roleOptions, { value: user.role.key, label: user.role.name }]
      : roleOptions;

  return (
    <Modal opened={user !== null} onClose={onClose} title={user ? `Edit ${user.email}` : 'Edit user'}>
      <form onSubmit={form.onSubmit((values) => save.mutate(values))} noValidate>
        <Stack>
          <ProblemAlert error={save.error} />
          <TextInput label="Name" required maxLength={200} data-autofocus {...form.getInputProps('name')} />
          <Select
            label="Role"
            data={options}
            allowDeselect={false}
            {...form.getInputProps('roleKey')}
            value={form.values.roleKey || null}
            onChange={(value) => form.setFieldValue('roleKey', value ?? '')}
          />
          <Switch
            label="Disabled"
            description="A disabled user cannot sign in; their sessions and tokens stop working at once."
            {...form.getInputProps('disabled', { type: 'checkbox' })}
          />
          {form.values.disabled && user && !user.disabled ? (
            <Text size="sm" c="red">
              Saving ends every session of this user.
            </Text>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending} disabled={!form.isDirty()}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
