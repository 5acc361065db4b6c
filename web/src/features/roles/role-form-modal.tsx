import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import type { RequestBody } from '../../api/api-types.ts';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { rolesQueryKey, type Role } from './roles-query.ts';

type NewRole = RequestBody<'/api/v1/roles', 'post'>;
type RoleChange = RequestBody<'/api/v1/roles/{id}', 'patch'>;

const emptyValues = { key: '', name: '', description: '', permissions: [] as string[], requireMfa: false };

/** Groups `resource:action` permissions by resource for the checkbox grid. */
function byResource(permissions: readonly string[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const p of permissions) {
    const resource = p.split(':')[0] ?? p;
    groups.set(resource, [...(groups.get(resource) ?? []), p]);
  }
  return [...groups.entries()];
}

/**
 * Creates a custom role or edits one: key, name, description, the permission checkboxes and the MFA requirement.
 * Built-in roles can only change whether they require MFA.
 */
export function RoleFormModal({ role, onClose }: { role: Role | 'new' | null; onClose: () => void }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const isNew = role === 'new';
  const builtin = role !== null && role !== 'new' && role.builtin;
  const permissions = useQuery({
    queryKey: ['permissions'],
    queryFn: () => body(api.GET('/api/v1/permissions')),
    enabled: role !== null,
    staleTime: Infinity,
  });
  const form = useForm({
    initialValues: emptyValues,
    validate: {
      key: (v) =>
        !isNew || /^[a-z][a-z0-9_]{1,39}$/.test(v)
          ? null
          : 'Lowercase letters, digits and _; starts with a letter',
      name: (v) => (v.trim().length > 0 ? null : 'Enter a name'),
    },
  });
  const { setValues, resetDirty } = form;

  useEffect(() => {
    if (role === null) return;
    const values =
      role === 'new'
        ? emptyValues
        : {
            key: role.key,
            name: role.name,
            description: role.description ?? '',
            permissions: [...role.permissions],
            requireMfa: role.requireMfa,
          };
    setValues(values);
    resetDirty(values);
  }, [role, setValues, resetDirty]);

  const save = useMutation({
    mutationFn: async (values: typeof form.values) => {
      if (role === 'new') {
        const request: NewRole = {
          key: values.key,
          name: values.name.trim(),
          description: values.description.trim(),
          permissions: values.permissions as NewRole['permissions'],
          requireMfa: values.requireMfa,
        };
        return body(api.POST('/api/v1/roles', { body: request }));
      }
      if (!role) throw new Error('no role');
      const change: RoleChange = { requireMfa: values.requireMfa };
      if (!role.builtin) {
        change.name = values.name.trim();
        change.description = values.description.trim();
        change.permissions = values.permissions as RoleChange['permissions'];
      }
      return body(api.PATCH('/api/v1/roles/{id}', { params: { path: { id: role.id } }, body: change }));
    },
    onSuccess: async () => {
      notifications.show({ color: 'green', message: isNew ? 'Role created.' : 'Role saved.' });
      save.reset();
      onClose();
      await queryClient.invalidateQueries({ queryKey: rolesQueryKey });
    },
  });

  const title = isNew ? 'New role' : role ? `Edit role ${role.name}` : '';
  return (
    <Modal opened={role !== null} onClose={onClose} title={title} size="lg">
      <form onSubmit={form.onSubmit((values) => save.mutate(values))} noValidate>
        <Stack>
          {builtin ? (
            <Alert color="blue" role="status">
              This is a built-in role: its permissions are fixed. You can require two-factor authentication
              for it.
            </Alert>
          ) : null}
          <ProblemAlert error={save.error} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Key"
              description="Used by the API and the CLI"
              required={isNew}
              disabled={!isNew}
              maxLength={40}
              data-autofocus
              {...form.getInputProps('key')}
            />
            <TextInput
              label="Name"
              required
              disabled={builtin}
              maxLength={100}
              {...form.getInputProps('name')}
            />
          </SimpleGrid>
          <Textarea
            label="Description"
            disabled={builtin}
            maxLength={500}
            autosize
            minRows={2}
            {...form.getInputProps('description')}
          />
          <Checkbox.Group
            label="Permissions"
            description="Nothing is allowed unless ticked here."
            {...form.getInputProps('permissions')}
          >
            <ProblemAlert error={permissions.error} />
            <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing="xs">
              {byResource(permissions.data?.items ?? []).map(([resource, list]) => (
                <Stack key={resource} gap={4}>
                  <Text size="xs" fw={700} tt="uppercase" c="dimmed">
                    {resource}
                  </Text>
                  {list.map((p) => (
                    <Checkbox key={p} value={p} label={p} disabled={builtin} />
                  ))}
                </Stack>
              ))}
            </SimpleGrid>
          </Checkbox.Group>
          <Switch
            label="Require two-factor authentication"
            description="Users with this role must enrol an authenticator app before they can use the console."
            {...form.getInputProps('requireMfa', { type: 'checkbox' })}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {isNew ? 'Create role' : 'Save'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
