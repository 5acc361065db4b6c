import { Alert, Badge, Button, Checkbox, Code, Group, Modal, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import type { paths } from '../../api/schema.d.ts';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';

type EventTypes = paths['/api/v1/webhooks']['post']['requestBody']['content']['application/json']['eventTypes'];
type Endpoint = { id: string; url: string; description: string; eventTypes: string[]; active: boolean; version: number };
const webhooksKey = ['webhooks'] as const;
const deliveryColor = { pending: 'yellow', delivered: 'green', dead: 'red' } as const;

/** The one moment the signing secret is visible. */
function SecretNotice({ secret, onClose }: { secret: string | null; onClose: () => void }) {
  return (
    <Modal opened={secret !== null} onClose={onClose} title="Signing secret">
      <Stack>
        <Text size="sm">Copy it now into the receiving system: it is stored encrypted and never shown again. Verify each delivery's <Code>webhook-signature</Code> header with it (Standard Webhooks).</Text>
        <Code block data-testid="webhook-secret">{secret}</Code>
        <Button onClick={onClose}>I have copied it</Button>
      </Stack>
    </Modal>
  );
}

function EventChoice({ all, value, onChange }: { all: readonly string[]; value: string[]; onChange: (v: string[]) => void }) {
  return (
    <Checkbox.Group label="Events" value={value} onChange={onChange}>
      <SimpleGrid cols={2} mt="xs">
        <Checkbox value="*" label="All privacy events" />
        {all.map((t) => (
          <Checkbox key={t} value={t} label={t} disabled={value.includes('*')} />
        ))}
      </SimpleGrid>
    </Checkbox.Group>
  );
}

function NewEndpoint({ eventTypes, onSecret }: { eventTypes: readonly string[]; onSecret: (s: string) => void }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState<string[]>(['*']);
  const create = useMutation({
    mutationFn: () => body(api.POST('/api/v1/webhooks', { body: { url, description, eventTypes: types as EventTypes } })),
    onSuccess: async (created) => {
      setUrl('');
      setDescription('');
      onSecret(created.secret);
      await queryClient.invalidateQueries({ queryKey: webhooksKey });
    },
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate();
      }}
    >
      <Stack maw={720}>
        <Title order={3}>Add an endpoint</Title>
        <ProblemAlert error={create.error} />
        <TextInput label="URL" description="https; it receives a signed JSON POST per event" required value={url} onChange={(e) => setUrl(e.currentTarget.value)} />
        <TextInput label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
        <EventChoice all={eventTypes} value={types} onChange={setTypes} />
        <Group>
          <Button type="submit" loading={create.isPending}>Add endpoint</Button>
        </Group>
      </Stack>
    </form>
  );
}

function Deliveries({ endpoint }: { endpoint: Endpoint }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const key = ['webhooks', endpoint.id, 'deliveries'];
  const list = useQuery({ queryKey: key, queryFn: () => body(api.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id: endpoint.id }, query: { limit: 20 } } })) });
  const redeliver = useMutation({
    mutationFn: (deliveryId: string) => body(api.POST('/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver', { params: { path: { id: endpoint.id, deliveryId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  if (list.isPending) return <PageLoader />;
  if (list.error) return <ProblemAlert error={list.error} />;
  if (list.data.items.length === 0) return <Text size="sm" c="dimmed">No deliveries yet.</Text>;
  return (
    <Table striped aria-label={`Deliveries to ${endpoint.url}`}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Event</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Attempts</Table.Th>
          <Table.Th>Last answer</Table.Th>
          <Table.Th>Created</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {list.data.items.map((d) => (
          <Table.Tr key={d.id}>
            <Table.Td>{d.eventType}</Table.Td>
            <Table.Td>
              <Badge color={deliveryColor[d.status]}>{d.status}</Badge>
            </Table.Td>
            <Table.Td>{d.attempts}</Table.Td>
            <Table.Td>{d.lastError ?? (d.lastStatusCode !== null ? String(d.lastStatusCode) : '—')}</Table.Td>
            <Table.Td>{formatDateTime(d.createdAt)}</Table.Td>
            <Table.Td>
              {d.status !== 'pending' ? (
                <Button size="xs" variant="subtle" onClick={() => redeliver.mutate(d.id)} loading={redeliver.isPending && redeliver.variables === d.id}>
                  Send again
                </Button>
              ) : null}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function EndpointCard({ endpoint, onSecret }: { endpoint: Endpoint; onSecret: (s: string) => void }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: webhooksKey });
  const toggle = useMutation({
    mutationFn: (active: boolean) => body(api.PATCH('/api/v1/webhooks/{id}', { params: { path: { id: endpoint.id }, header: { 'if-match': `"${endpoint.version}"` } }, body: { active } })),
    onSuccess: refresh,
  });
  const ping = useMutation({
    mutationFn: () => body(api.POST('/api/v1/webhooks/{id}/ping', { params: { path: { id: endpoint.id } } })),
    onSuccess: async () => {
      notifications.show({ message: 'A test event was queued; it is sent within a few seconds.' });
      await queryClient.invalidateQueries({ queryKey: ['webhooks', endpoint.id, 'deliveries'] });
    },
  });
  const rotate = useMutation({
    mutationFn: () => body(api.POST('/api/v1/webhooks/{id}/secret', { params: { path: { id: endpoint.id } } })),
    onSuccess: async (r) => {
      onSecret(r.secret);
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => body(api.DELETE('/api/v1/webhooks/{id}', { params: { path: { id: endpoint.id } } })),
    onSuccess: refresh,
  });
  return (
    <Stack gap="xs" p="md" style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 8 }}>
      <Group justify="space-between">
        <div>
          <Text fw={600}>{endpoint.url}</Text>
          <Text size="sm" c="dimmed">{endpoint.description || 'No description'} · {endpoint.eventTypes.includes('*') ? 'all privacy events' : endpoint.eventTypes.join(', ')}</Text>
        </div>
        <Switch label={endpoint.active ? 'Active' : 'Paused'} checked={endpoint.active} onChange={(e) => toggle.mutate(e.currentTarget.checked)} />
      </Group>
      <ProblemAlert error={toggle.error ?? ping.error ?? rotate.error ?? remove.error} />
      <Group>
        <Button size="xs" variant="light" onClick={() => ping.mutate()} loading={ping.isPending}>Send test event</Button>
        <Button size="xs" variant="light" onClick={() => setOpen((o) => !o)}>{open ? 'Hide deliveries' : 'Deliveries'}</Button>
        <Button size="xs" variant="subtle" onClick={() => rotate.mutate()} loading={rotate.isPending}>Rotate secret</Button>
        <Button size="xs" variant="subtle" color="red" onClick={() => remove.mutate()} loading={remove.isPending}>Remove</Button>
      </Group>
      {open ? <Deliveries endpoint={endpoint} /> : null}
    </Stack>
  );
}

/** Outgoing webhooks: integrations told about requests, erasures, restrictions, objections and consent (Art. 19). */
export function WebhooksPage() {
  const { api } = useApi();
  const [secret, setSecret] = useState<string | null>(null);
  const list = useQuery({ queryKey: webhooksKey, queryFn: () => body(api.GET('/api/v1/webhooks')) });
  return (
    <>
      <PageHeader title="Webhooks" description="Signed HTTP callbacks that tell your other systems about privacy events, so they can follow an erasure, a restriction or a withdrawn consent (Art. 19). Payloads name people only by pseudonym." />
      <SecretNotice secret={secret} onClose={() => setSecret(null)} />
      <ProblemAlert error={list.error} />
      {list.isPending ? (
        <PageLoader />
      ) : list.data ? (
        <Stack>
          {list.data.items.length === 0 ? <Alert color="blue">No endpoints yet.</Alert> : list.data.items.map((e) => <EndpointCard key={`${e.id}:${e.version}`} endpoint={e} onSecret={setSecret} />)}
          <NewEndpoint eventTypes={list.data.eventTypes} onSecret={setSecret} />
        </Stack>
      ) : null}
    </>
  );
}
