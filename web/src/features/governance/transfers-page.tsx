import { Badge, Button, Group, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { governanceKey, transferFlagLabels, transferToolLabels, type Transfer } from './governance-query.ts';
import { TransferModal } from './transfer-modal.tsx';

function Flags({ flags }: { flags: readonly Transfer['flags'][number][] }) {
  if (flags.length === 0) return <Badge color="green" variant="light">OK</Badge>;
  return (
    <Group gap={4}>
      {flags.map((f) => (
        <Badge key={f} color="red" variant="light" miw="max-content">
          {transferFlagLabels[f]}
        </Badge>
      ))}
    </Group>
  );
}

/** Transfers to third countries (Chapter V): the tool of each, and flags where it is missing, unfit or expired. */
export function TransfersPage() {
  const { api } = useApi();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('governance:write');
  const [creating, setCreating] = useState<{ processorId: string; country: string } | null>(null);
  const [editing, setEditing] = useState<Transfer | null>(null);
  const register = useQuery({ queryKey: [...governanceKey, 'transfers'], queryFn: () => body(api.GET('/api/v1/governance/transfers')) });
  const processors = useQuery({
    queryKey: [...governanceKey, 'processors'],
    queryFn: () => body(api.GET('/api/v1/governance/processors', { params: { query: { limit: 200 } } })),
  });
  const adequacy = useQuery({ queryKey: ['governance', 'adequacy'], queryFn: () => body(api.GET('/api/v1/governance/adequacy')) });
  const items = register.data?.items ?? [];
  const gaps = register.data?.gaps ?? [];
  return (
    <>
      <PageHeader
        title="Transfers"
        description={`Every processor or recipient outside the EEA needs a transfer tool. Adequacy decisions as of ${adequacy.data?.asOf ?? '…'}.`}
        actions={canWrite ? <Button onClick={() => setCreating({ processorId: '', country: '' })}>New transfer</Button> : null}
      />
      <Stack>
        <ProblemAlert error={register.error} />
        {register.isPending ? <PageLoader /> : null}
        {gaps.length > 0 ? (
          <Stack gap="xs" data-testid="transfer-gaps">
            <Title order={2} size="h4">
              Without a transfer tool
            </Title>
            <Table aria-label="Transfers without a tool">
              <Table.Tbody>
                {gaps.map((g) => (
                  <Table.Tr key={`${g.processorId}:${g.country}`}>
                    <Table.Td>{g.processorName}</Table.Td>
                    <Table.Td>{g.countryName}</Table.Td>
                    <Table.Td>
                      <Flags flags={g.flags} />
                    </Table.Td>
                    <Table.Td>
                      {canWrite ? (
                        <Button size="compact-sm" variant="light" onClick={() => setCreating({ processorId: g.processorId, country: g.country })}>
                          Record tool
                        </Button>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
        ) : null}
        {items.length === 0 && !register.isPending ? <Text>No transfers recorded yet.</Text> : null}
        {items.length > 0 ? (
          <Table.ScrollContainer minWidth={900}>
            <Table striped aria-label="Transfers">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Recipient</Table.Th>
                  <Table.Th>Destination</Table.Th>
                  <Table.Th>Tool</Table.Th>
                  <Table.Th>TIA</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th>Flags</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((t) => (
                  <Table.Tr key={t.id}>
                    <Table.Td>{t.processorName}</Table.Td>
                    <Table.Td>{t.countryName}</Table.Td>
                    <Table.Td>
                      {transferToolLabels[t.tool]}
                      {t.sccModule ? `, module ${t.sccModule}` : ''}
                    </Table.Td>
                    <Table.Td>{t.tiaReference ?? '—'}</Table.Td>
                    <Table.Td>{t.expiresOn ?? '—'}</Table.Td>
                    <Table.Td>
                      <Flags flags={t.flags} />
                    </Table.Td>
                    <Table.Td>
                      {canWrite ? (
                        <Button size="compact-sm" variant="light" onClick={() => setEditing(t)} aria-label={`Edit transfer of ${t.processorName} to ${t.countryName}`}>
                          Edit
                        </Button>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : null}
      </Stack>
      {creating ? (
        <TransferModal opened onClose={() => setCreating(null)} processors={processors.data?.items ?? []} initial={creating} />
      ) : null}
      {editing ? <TransferModal key={editing.id} opened onClose={() => setEditing(null)} processors={processors.data?.items ?? []} transfer={editing} /> : null}
    </>
  );
}
