import { Badge, Button, Group, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { CreateUserModal } from './create-user-modal.tsx';
import { EditUserModal } from './edit-user-modal.tsx';
import { usersQueryKey, type User } from './users-query.ts';

/** Users who can sign in to the console: search, create, change role, disable. */
export function UsersPage() {
  const { api } = useApi();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('users:write');
  const canReadRoles = session.status === 'signed-in' && session.permissions.has('roles:read');
  const [search, setSearch] = useState('');
  // The search term stays in memory: it may be a name or an email, which never goes into the address bar.
  const [q] = useDebouncedValue(search.trim(), 300);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);

  const users = useInfiniteQuery({
    queryKey: [...usersQueryKey, q],
    queryFn: ({ pageParam }) =>
      body(
        api.GET('/api/v1/users', {
          params: { query: { ...(q ? { q } : {}), ...(pageParam ? { cursor: pageParam } : {}), limit: 50 } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const roles = useQuery({
    queryKey: ['roles'],
    queryFn: () => body(api.GET('/api/v1/roles')),
    enabled: canReadRoles,
  });
  const roleOptions = (roles.data?.items ?? []).map((r) => ({ value: r.key, label: r.name }));
  const items = users.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <PageHeader
        title="Users"
        description="Staff who can sign in to the console. Each has one role, which decides what they may see and do."
        actions={
          canWrite ? (
            <Button onClick={() => setCreating(true)} disabled={!canReadRoles && roleOptions.length === 0}>
              New user
            </Button>
          ) : null
        }
      />
      <Stack>
        <TextInput
          label="Search users"
          placeholder="Name or email"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          maw={360}
          type="search"
        />
        <ProblemAlert error={users.error} />
        {users.isPending ? (
          <PageLoader />
        ) : items.length === 0 ? (
          <Text>No users match.</Text>
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table striped highlightOnHover verticalSpacing="sm" aria-label="Users">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Two-factor</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Last sign-in</Table.Th>
                  {canWrite ? (
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  ) : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((user) => (
                  <Table.Tr key={user.id}>
                    <Table.Td fw={500}>{user.name || '—'}</Table.Td>
                    <Table.Td>{user.email}</Table.Td>
                    <Table.Td>
                      <Badge variant="light">{user.role.name}</Badge>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="dot" color={user.mfaEnabled ? 'green' : 'gray'}>
                        {user.mfaEnabled ? 'On' : 'Off'}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {user.disabled ? (
                        <Badge color="red" variant="light">
                          Disabled
                        </Badge>
                      ) : (
                        <Badge color="green" variant="light">
                          Active
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>{formatDateTime(user.lastSignInAt)}</Table.Td>
                    {canWrite ? (
                      <Table.Td>
                        <Button
                          size="compact-sm"
                          variant="light"
                          onClick={() => setEditing(user)}
                          aria-label={`Edit ${user.name || user.email}`}
                        >
                          Edit
                        </Button>
                      </Table.Td>
                    ) : null}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {users.hasNextPage ? (
          <Group>
            <Button
              variant="default"
              onClick={() => void users.fetchNextPage()}
              loading={users.isFetchingNextPage}
            >
              Load more
            </Button>
          </Group>
        ) : null}
      </Stack>
      <CreateUserModal opened={creating} onClose={() => setCreating(false)} roleOptions={roleOptions} />
      <EditUserModal user={editing} onClose={() => setEditing(null)} roleOptions={roleOptions} />
    </>
  );
}
