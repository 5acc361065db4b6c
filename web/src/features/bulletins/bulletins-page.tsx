import { Button, Group, Modal, MultiSelect, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { bulletinsQueryKey, type Bulletin } from './bulletins-query.ts';

/** Regulatory-update bulletins for the DPO (`/bulletins`): publish to roles, see who acknowledged. */
export function BulletinsPage() {
  const { api } = useApi();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('governance:write');
  const [publishing, setPublishing] = useState(false);
  const [readersOf, setReadersOf] = useState<Bulletin | null>(null);
  const list = useQuery({ queryKey: [...bulletinsQueryKey, 'all'], queryFn: () => body(api.GET('/api/v1/bulletins', { params: { query: { limit: 200 } } })) });
  const items = list.data?.items ?? [];
  return (
    <>
      <PageHeader
        title="Bulletins"
        description="Regulatory updates for chosen roles. Their users are asked to read and acknowledge them, with a daily reminder until they do."
        actions={canWrite ? <Button onClick={() => setPublishing(true)}>Publish a bulletin</Button> : null}
      />
      <Stack>
        <ProblemAlert error={list.error} />
        {list.isPending ? (
          <PageLoader />
        ) : items.length === 0 ? (
          <Text>No bulletin published yet.</Text>
        ) : (
          <Table striped verticalSpacing="sm" aria-label="Bulletins">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Title</Table.Th>
                <Table.Th>Roles</Table.Th>
                <Table.Th>Published</Table.Th>
                <Table.Th>Acknowledged</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((b) => (
                <Table.Tr key={b.id}>
                  <Table.Td>{b.title}</Table.Td>
                  <Table.Td>{b.roleKeys.join(', ')}</Table.Td>
                  <Table.Td>{formatDateTime(b.publishedAt)}</Table.Td>
                  <Table.Td>
                    {b.acknowledged} / {b.addressed}
                  </Table.Td>
                  <Table.Td>
                    <Button size="compact-sm" variant="light" onClick={() => setReadersOf(b)} aria-label={`Readers of ${b.title}`}>
                      Readers
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      <PublishBulletinModal opened={publishing} onClose={() => setPublishing(false)} />
      <ReadersModal bulletin={readersOf} onClose={() => setReadersOf(null)} />
    </>
  );
}

function PublishBulletinModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const session = useSession();
  const canReadRoles = session.status === 'signed-in' && session.permissions.has('roles:read');
  const roles = useQuery({ queryKey: ['roles'], queryFn: () => body(api.GET('/api/v1/roles')), enabled: opened && canReadRoles });
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [roleKeys, setRoleKeys] = useState<string[]>([]);
  const publish = useMutation({
    mutationFn: () => body(api.POST('/api/v1/bulletins', { body: { title, body: text, roleKeys } })),
    onSuccess: async (b) => {
      notifications.show({ color: 'green', message: `Published to ${b.addressed} user(s).` });
      publish.reset();
      setTitle('');
      setText('');
      setRoleKeys([]);
      onClose();
      await queryClient.invalidateQueries({ queryKey: bulletinsQueryKey });
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title="Publish a bulletin" size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          publish.mutate();
        }}
      >
        <Stack>
          <TextInput label="Title" required maxLength={200} value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
          <Textarea label="Note (Markdown)" required autosize minRows={5} value={text} onChange={(e) => setText(e.currentTarget.value)} />
          {canReadRoles ? (
            <MultiSelect
              label="Roles"
              required
              data={(roles.data?.items ?? []).map((r) => ({ value: r.key, label: r.name }))}
              value={roleKeys}
              onChange={setRoleKeys}
            />
          ) : (
            <TextInput
              label="Role keys (comma separated)"
              required
              value={roleKeys.join(',')}
              onChange={(e) => setRoleKeys(e.currentTarget.value.split(',').map((s) => s.trim()).filter(Boolean))}
            />
          )}
          <ProblemAlert error={publish.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={publish.isPending}>
              Publish
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ReadersModal({ bulletin, onClose }: { bulletin: Bulletin | null; onClose: () => void }) {
  const { api } = useApi();
  const readers = useQuery({
    queryKey: [...bulletinsQueryKey, 'readers', bulletin?.id],
    queryFn: () => body(api.GET('/api/v1/bulletins/{id}/readers', { params: { path: { id: bulletin?.id ?? '' } } })),
    enabled: bulletin !== null,
  });
  return (
    <Modal opened={bulletin !== null} onClose={onClose} title={bulletin ? `Readers of “${bulletin.title}”` : ''} size="lg">
      <ProblemAlert error={readers.error} />
      {readers.isPending ? (
        <PageLoader />
      ) : (
        <Stack>
          <Text fw={500}>Acknowledged ({readers.data?.acknowledged.length ?? 0})</Text>
          {readers.data?.acknowledged.map((r) => (
            <Text key={r.userId} size="sm">
              {r.name} · {r.roleKey} · {formatDateTime(r.acknowledgedAt)}
            </Text>
          ))}
          <Text fw={500}>Not yet ({readers.data?.pending.length ?? 0})</Text>
          {readers.data?.pending.map((r) => (
            <Text key={r.userId} size="sm">
              {r.name} · {r.roleKey}
            </Text>
          ))}
        </Stack>
      )}
    </Modal>
  );
}
