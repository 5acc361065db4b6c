import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import type { Success } from '../../api/api-types.ts';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';

type LegalHold = Success<'/api/v1/legal-holds', 'get'>['items'][number];
type Reason = LegalHold['reason'];

const holdsKey = ['legal-holds'] as const;
const reasonLabels: Record<Reason, string> = {
  litigation: 'Litigation',
  investigation: 'Investigation',
  regulator_request: 'Regulator request',
  other: 'Other',
};
const uuidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Places a hold on one person (their id, from the person's page address) or on the persons of a matter. */
function PlaceHold() {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<'person' | 'matter'>('person');
  const [personId, setPersonId] = useState('');
  const [matter, setMatter] = useState('');
  const [personIds, setPersonIds] = useState('');
  const [reason, setReason] = useState<Reason>('litigation');
  const place = useMutation({
    mutationFn: () =>
      body(
        api.POST('/api/v1/legal-holds', {
          body:
            kind === 'person'
              ? { personId: personId.trim(), reason }
              : { matter: matter.trim(), personIds: personIds.match(uuidPattern) ?? [], reason },
        }),
      ),
    onSuccess: async () => {
      setPersonId('');
      setMatter('');
      setPersonIds('');
      await queryClient.invalidateQueries({ queryKey: holdsKey });
      await queryClient.invalidateQueries({ queryKey: ['retention'] });
    },
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        place.mutate();
      }}
    >
      <Stack maw={640}>
        <Title order={3}>Place a hold</Title>
        <ProblemAlert error={place.error} />
        <SegmentedControl
          value={kind}
          onChange={(v) => setKind(v as 'person' | 'matter')}
          data={[
            { value: 'person', label: 'On a person' },
            { value: 'matter', label: 'On a matter' },
          ]}
        />
        {kind === 'person' ? (
          <TextInput
            label="Person id"
            description="The id in the person's page address"
            required
            value={personId}
            onChange={(e) => setPersonId(e.currentTarget.value)}
          />
        ) : (
          <>
            <TextInput
              label="Matter reference"
              description="A case number, not a name"
              required
              value={matter}
              onChange={(e) => setMatter(e.currentTarget.value)}
            />
            <Textarea
              label="Person ids"
              description="One or more ids, separated by spaces or lines"
              required
              autosize
              minRows={2}
              value={personIds}
              onChange={(e) => setPersonIds(e.currentTarget.value)}
            />
          </>
        )}
        <Select
          label="Reason"
          required
          allowDeselect={false}
          data={Object.entries(reasonLabels).map(([value, label]) => ({ value, label }))}
          value={reason}
          onChange={(v) => v && setReason(v as Reason)}
        />
        <Group>
          <Button type="submit" loading={place.isPending}>
            Place hold
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Legal holds: they block every erasure of the persons they cover (requests, retention sweeps, staff deletion). */
export function LegalHoldsPage() {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('privacy:write');
  const [activeOnly, setActiveOnly] = useState(true);
  const holds = useQuery({
    queryKey: [...holdsKey, activeOnly],
    queryFn: () => body(api.GET('/api/v1/legal-holds', { params: { query: { active: activeOnly } } })),
  });
  const release = useMutation({
    mutationFn: (id: string) =>
      body(api.POST('/api/v1/legal-holds/{id}/release', { params: { path: { id } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: holdsKey });
      await queryClient.invalidateQueries({ queryKey: ['retention'] });
    },
  });
  return (
    <>
      <PageHeader
        title="Legal holds"
        description="A hold keeps a person's data while litigation, an investigation or a regulator needs it: erasure requests, retention sweeps and staff deletion all stop at it until it is released."
      />
      <Stack>
        <Switch
          label="Active holds only"
          checked={activeOnly}
          onChange={(e) => setActiveOnly(e.currentTarget.checked)}
        />
        <ProblemAlert error={holds.error ?? release.error} />
        {holds.isPending ? (
          <PageLoader />
        ) : (holds.data?.items.length ?? 0) === 0 ? (
          <Alert color="blue">{activeOnly ? 'No active hold.' : 'No hold yet.'}</Alert>
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table striped aria-label="Legal holds">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Placed</Table.Th>
                  <Table.Th>On</Table.Th>
                  <Table.Th>Reason</Table.Th>
                  <Table.Th>Persons</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {holds.data?.items.map((h) => (
                  <Table.Tr key={h.id}>
                    <Table.Td>{formatDateTime(h.placedAt)}</Table.Td>
                    <Table.Td>{h.matter ? `Matter ${h.matter}` : 'One person'}</Table.Td>
                    <Table.Td>{reasonLabels[h.reason]}</Table.Td>
                    <Table.Td>
                      <Group gap={6}>
                        {h.personIds.slice(0, 5).map((id) => (
                          <Anchor key={id} component={Link} to={`/people/${id}`} size="sm">
                            {id.slice(0, 8)}
                          </Anchor>
                        ))}
                        {h.personIds.length > 5 ? (
                          <Text size="sm">and {h.personIds.length - 5} more</Text>
                        ) : null}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      {h.releasedAt ? (
                        <Badge color="gray">released {formatDateTime(h.releasedAt)}</Badge>
                      ) : (
                        <Badge color="yellow">active</Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {canWrite && !h.releasedAt ? (
                        <Button
                          size="xs"
                          variant="subtle"
                          onClick={() => release.mutate(h.id)}
                          loading={release.isPending && release.variables === h.id}
                        >
                          Release
                        </Button>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {canWrite ? <PlaceHold /> : null}
      </Stack>
    </>
  );
}
