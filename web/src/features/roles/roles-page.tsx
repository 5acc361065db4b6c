import { Badge, Button, Group, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { RoleFormModal } from './role-form-modal.tsx';
import { rolesQueryKey, type Role } from './roles-query.ts';

/** Roles: the seven built-in ones and custom roles, with their permissions and whether they require MFA. */
export function RolesPage() {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('roles:write');
  const [editing, setEditing] = useState<Role | 'new' | null>(null);
  const roles = useQuery({ queryKey: rolesQueryKey, queryFn: () => body(api.GET('/api/v1/roles')) });
  const remove = useMutation({
    mutationFn: async (id: string) => {
      await api.DELETE('/api/v1/roles/{id}', { params: { path: { id } } });
    },
    onSuccess: async () => {
      notifications.show({ color: 'green', message: 'Role deleted.' });
      await queryClient.invalidateQueries({ queryKey: rolesQueryKey });
    },
  });

  return (
    <>
      <PageHeader
        title="Roles"
        description="What each role may do. Deny by default: a role can do only what its permissions list."
        actions={canWrite ? <Button onClick={() => setEditing('new')}>New role</Button> : null}
      />
      <ProblemAlert error={roles.error ?? remove.error} />
      {roles.isPending ? (
        <PageLoader />
      ) : roles.data ? (
        <Table.ScrollContainer minWidth={800}>
          <Table striped highlightOnHover verticalSpacing="sm" aria-label="Roles">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Role</Table.Th>
                <Table.Th>Permissions</Table.Th>
                <Table.Th>Two-factor</Table.Th>
                <Table.Th>Users</Table.Th>
                {canWrite ? (
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                ) : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {roles.data.items.map((role) => (
                <Table.Tr key={role.id}>
                  <Table.Td maw={320}>
                    <Group gap="xs">
                      <Text fw={600} size="sm">
                        {role.name}
                      </Text>
                      {role.builtin ? (
                        <Badge size="xs" variant="outline" color="gray">
                          Built-in
                        </Badge>
                      ) : null}
                    </Group>
                    <Text size="xs" c="dimmed">
                      {role.description}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Tooltip label={role.permissions.join(', ') || 'none'} multiline w={360}>
                      <Text size="sm" tabIndex={0} style={{ textDecoration: 'underline dotted' }}>
                        {role.permissions.length} permission{role.permissions.length === 1 ? '' : 's'}
                      </Text>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={role.requireMfa ? 'indigo' : 'gray'} variant="light">
                      {role.requireMfa ? 'Required' : 'Optional'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{role.userCount}</Table.Td>
                  {canWrite ? (
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Button
                          size="compact-sm"
                          variant="light"
                          onClick={() => setEditing(role)}
                          aria-label={`Edit role ${role.name}`}
                        >
                          Edit
                        </Button>
                        {role.builtin ? null : (
                          <Button
                            size="compact-sm"
                            variant="subtle"
                            color="red"
                            disabled={role.userCount > 0}
                            title={role.userCount > 0 ? 'Users hold this role' : undefined}
                            loading={remove.isPending && remove.variables === role.id}
                            onClick={() => remove.mutate(role.id)}
                            aria-label={`Delete role ${role.name}`}
                          >
                            Delete
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      <RoleFormModal role={editing} onClose={() => setEditing(null)} />
    </>
  );
}
