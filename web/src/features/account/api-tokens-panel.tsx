import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import type { RequestBody } from '../../api/api-types.ts';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';

const tokensQueryKey = ['tokens'] as const;

type NewToken = RequestBody<'/api/v1/tokens', 'post'>;

/** My API tokens: create one (its secret is shown once) and revoke. */
export function ApiTokensPanel({ canChooseRole }: { canChooseRole: boolean }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const tokens = useQuery({ queryKey: tokensQueryKey, queryFn: () => body(api.GET('/api/v1/tokens')) });
  const revoke = useMutation({
    mutationFn: async (id: string) => {
      await api.DELETE('/api/v1/tokens/{id}', { params: { path: { id } } });
    },
    onSuccess: async () => {
      notifications.show({ color: 'green', message: 'Token revoked.' });
      await queryClient.invalidateQueries({ queryKey: tokensQueryKey });
    },
  });

  return (
    <Card withBorder padding="lg">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          API tokens
        </Title>
        <Button size="xs" onClick={() => setCreating(true)}>
          New token
        </Button>
      </Group>
      <Text size="sm" c="dimmed" mb="sm">
        For integrations: send <Code>Authorization: Bearer &lt;token&gt;</Code>. A token acts as you, with its
        role.
      </Text>
      <ProblemAlert error={tokens.error ?? revoke.error} />
      {tokens.isPending ? (
        <PageLoader />
      ) : tokens.data && tokens.data.items.length === 0 ? (
        <Text size="sm">No tokens yet.</Text>
      ) : tokens.data ? (
        <Table.ScrollContainer minWidth={700}>
          <Table verticalSpacing="xs" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Starts with</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tokens.data.items.map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td>{t.name}</Table.Td>
                  <Table.Td>
                    <Code>{t.prefix}…</Code>
                  </Table.Td>
                  <Table.Td>{roleLabel(t.role)}</Table.Td>
                  <Table.Td>{formatDateTime(t.createdAt)}</Table.Td>
                  <Table.Td>{t.expiresAt ? formatDateTime(t.expiresAt) : 'Never'}</Table.Td>
                  <Table.Td>{formatDateTime(t.lastUsedAt)}</Table.Td>
                  <Table.Td>
                    {t.revokedAt ? (
                      <Badge color="gray" variant="light">
                        Revoked
                      </Badge>
                    ) : (
                      <Button
                        size="compact-sm"
                        color="red"
                        variant="light"
                        loading={revoke.isPending && revoke.variables === t.id}
                        onClick={() => revoke.mutate(t.id)}
                        aria-label={`Revoke token ${t.name}`}
                      >
                        Revoke
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}

      <Modal opened={creating} onClose={() => setCreating(false)} title="New API token">
        <CreateTokenForm
          canChooseRole={canChooseRole}
          onCreated={async (token) => {
            setCreating(false);
            setSecret(token);
            await queryClient.invalidateQueries({ queryKey: tokensQueryKey });
          }}
        />
      </Modal>
      <Modal
        opened={secret !== null}
        onClose={() => setSecret(null)}
        title="Your new token"
        closeOnClickOutside={false}
      >
        <Stack>
          <Alert color="yellow" title="Copy it now" role="status">
            This is the only time the token is shown. Store it in your integration&apos;s secret store.
          </Alert>
          <Code block data-testid="new-token" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
            {secret}
          </Code>
          <Group justify="flex-end">
            <CopyButton value={secret ?? ''}>
              {({ copied, copy }) => (
                <Button variant="light" onClick={copy}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
            <Button onClick={() => setSecret(null)}>Done</Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}

function roleLabel(role: unknown): string {
  if (role && typeof role === 'object' && 'name' in role && typeof role.name === 'string') return role.name;
  if (typeof role === 'string') return role;
  return '—';
}

function CreateTokenForm({
  canChooseRole,
  onCreated,
}: {
  canChooseRole: boolean;
  onCreated: (token: string) => Promise<void>;
}) {
  const { api } = useApi();
  const roles = useQuery({
    queryKey: ['roles'],
    queryFn: () => body(api.GET('/api/v1/roles')),
    enabled: canChooseRole,
  });
  const form = useForm({
    initialValues: { name: '', roleKey: '', expiresOn: '' },
    validate: {
      name: (v) => (v.trim().length > 0 ? null : 'Name the token after the integration that uses it'),
    },
  });
  const create = useMutation({
    mutationFn: (values: { name: string; roleKey: string; expiresOn: string }) => {
      const request: NewToken = { name: values.name.trim() };
      if (values.roleKey) request.roleKey = values.roleKey;
      if (values.expiresOn) request.expiresAt = new Date(`${values.expiresOn}T23:59:59Z`).toISOString();
      return body(api.POST('/api/v1/tokens', { body: request }));
    },
    onSuccess: (result) => onCreated(result.token),
  });
  return (
    <form onSubmit={form.onSubmit((values) => create.mutate(values))} noValidate>
      <Stack>
        <ProblemAlert error={create.error} />
        <TextInput
          label="Name"
          description="What uses it, e.g. “Website signup form”"
          required
          maxLength={100}
          data-autofocus
          {...form.getInputProps('name')}
        />
        {canChooseRole ? (
          <Select
            label="Role"
            description="Defaults to your own role. A token can never do more than you."
            clearable
            placeholder="My role"
            data={(roles.data?.items ?? []).map((r) => ({ value: r.key, label: r.name }))}
            {...form.getInputProps('roleKey')}
            value={form.values.roleKey || null}
            onChange={(value) => form.setFieldValue('roleKey', value ?? '')}
          />
        ) : null}
        <TextInput
          label="Expires on"
          description="Leave empty for no expiry."
          type="date"
          {...form.getInputProps('expiresOn')}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending}>
            Create token
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
