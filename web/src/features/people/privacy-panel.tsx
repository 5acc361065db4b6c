import { Alert, Badge, Button, Group, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { ConsentModal, type ConsentChange } from './consent-modal.tsx';
import {
  lawfulBasisLabels,
  peopleQueryKey,
  restrictionReasonLabels,
  type PurposeStanding,
  type RestrictionReason,
} from './people-query.ts';

function ConsentState({ standing }: { standing: PurposeStanding }) {
  const consent = standing.consent;
  if (!consent) {
    return standing.consentRequired ? (
      <Badge miw="max-content" color="gray" variant="light">
        Not given
      </Badge>
    ) : (
      <Text size="sm" c="dimmed">
        Not needed
      </Text>
    );
  }
  return (
    <Stack gap={2}>
      <Badge miw="max-content" color={consent.state === 'given' ? 'green' : 'orange'} variant="light">
        {consent.state === 'given' ? 'Given' : 'Withdrawn'}
      </Badge>
      <Text size="xs" c="dimmed">
        {formatDateTime(consent.recordedAt)} · v{consent.purposeVersion}
      </Text>
    </Stack>
  );
}

function ObjectionState({ standing }: { standing: PurposeStanding }) {
  const objection = standing.objection;
  if (!objection) return <Text size="sm">None</Text>;
  const color = objection.outcome === 'upheld' ? 'red' : objection.outcome === 'pending' ? 'yellow' : 'gray';
  return (
    <Stack gap={2}>
      <Badge miw="max-content" color={color} variant="light">
        {objection.outcome === 'pending' ? 'Objected, pending' : `Objection ${objection.outcome}`}
      </Badge>
      <Text size="xs" c="dimmed">
        Objected {formatDateTime(objection.objectedAt)}
        {objection.decidedAt ? ` · decided ${formatDateTime(objection.decidedAt)}` : ''}
      </Text>
    </Stack>
  );
}

/**
 * The privacy panel of a person: the Art. 18 restriction in force, and per purpose the lawful basis, consent state
 * and Art. 21 objection, with the actions to record consent, objections and their outcome, and to restrict or lift.
 *
 * @example
 * <PrivacyPanel personId={person.id} />
 */
export function PrivacyPanel({ personId }: { personId: string }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const session = useSession();
  const can = (p: string) => session.status === 'signed-in' && session.permissions.has(p);
  const canConsent = can('people:write');
  const canPrivacy = can('privacy:write');
  const [consentChange, setConsentChange] = useState<ConsentChange | null>(null);
  const [reason, setReason] = useState<RestrictionReason | null>(null);
  const standingKey = [...peopleQueryKey, personId, 'standing'];
  const standing = useQuery({
    queryKey: standingKey,
    queryFn: () => body(api.GET('/api/v1/people/{id}/standing', { params: { path: { id: personId } } })),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: [...peopleQueryKey, personId] });
  const path = { params: { path: { id: personId } } };

  const object = useMutation({
    mutationFn: (purpose: string) =>
      body(api.POST('/api/v1/people/{id}/objections', { ...path, body: { purpose } })),
    onSuccess: async (o) => {
      notifications.show({
        message:
          o.outcome === 'upheld'
            ? 'Objection recorded and upheld.'
            : 'Objection recorded; decide its outcome.',
      });
      await refresh();
    },
  });
  const decide = useMutation({
    mutationFn: (v: { objectionId: string; outcome: 'upheld' | 'rejected' }) =>
      body(
        api.PATCH('/api/v1/people/{id}/objections/{objectionId}', {
          params: { path: { id: personId, objectionId: v.objectionId } },
          body: { outcome: v.outcome },
        }),
      ),
    onSuccess: async (o) => {
      notifications.show({ message: `Objection ${o.outcome}.` });
      await refresh();
    },
  });
  const restrict = useMutation({
    mutationFn: (r: RestrictionReason) =>
      body(api.PUT('/api/v1/people/{id}/restriction', { ...path, body: { reason: r } })),
    onSuccess: async () => {
      notifications.show({ message: 'Processing restricted: storage only from now on.' });
      setReason(null);
      await refresh();
    },
  });
  const lift = useMutation({
    mutationFn: () => body(api.DELETE('/api/v1/people/{id}/restriction', path)),
    onSuccess: async () => {
      notifications.show({ message: 'Restriction lifted.' });
      await refresh();
    },
  });

  const data = standing.data;
  const restriction = data?.restriction ?? null;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="privacy-panel-title">
      <Stack>
        <Title order={2} size="h4" id="privacy-panel-title">
          Privacy
        </Title>
        <ProblemAlert error={standing.error} />
        {[object.error, decide.error, restrict.error, lift.error].map((e, i) => (
          <ProblemAlert key={i} error={e} />
        ))}
        {standing.isPending ? <PageLoader /> : null}
        {data ? (
          <>
            {restriction ? (
              <Alert color="orange" title="Processing restricted (Art. 18)" data-testid="restriction">
                <Text size="sm">
                  {restrictionReasonLabels[restriction.reason]} · since{' '}
                  {formatDateTime(restriction.restrictedAt)}. Only storage, legal claims and the person’s own
                  consent are allowed.
                </Text>
                {canPrivacy ? (
                  <Button
                    mt="sm"
                    size="compact-sm"
                    variant="white"
                    color="orange"
                    loading={lift.isPending}
                    onClick={() => lift.mutate()}
                  >
                    Lift restriction
                  </Button>
                ) : null}
              </Alert>
            ) : canPrivacy ? (
              <Group align="flex-end">
                <Select
                  label="Restrict processing (Art. 18)"
                  placeholder="Ground of the restriction"
                  data={Object.entries(restrictionReasonLabels).map(([value, label]) => ({ value, label }))}
                  value={reason}
                  onChange={(v) => setReason(v as RestrictionReason | null)}
                  w={340}
                />
                <Button
                  variant="default"
                  disabled={reason === null}
                  loading={restrict.isPending}
                  onClick={() => reason && restrict.mutate(reason)}
                >
                  Restrict
                </Button>
              </Group>
            ) : (
              <Text size="sm">Processing is not restricted.</Text>
            )}
            <Table.ScrollContainer minWidth={760}>
              <Table verticalSpacing="sm" aria-label="Standing per purpose">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Purpose</Table.Th>
                    <Table.Th>Lawful basis</Table.Th>
                    <Table.Th>Consent</Table.Th>
                    <Table.Th>Objection (Art. 21)</Table.Th>
                    <Table.Th>Actions</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.purposes.map((s) => {
                    const pending = s.objection?.outcome === 'pending' ? s.objection : null;
                    const consentGiven = s.consent?.state === 'given';
                    return (
                      <Table.Tr key={s.purpose} data-purpose={s.purpose}>
                        <Table.Td>
                          <Text size="sm" fw={500}>
                            {s.name}
                          </Text>
                          <Group gap={4}>
                            <Text size="xs" c="dimmed" ff="monospace">
                              {s.purpose}
                            </Text>
                            {s.active ? null : (
                              <Badge miw="max-content" size="xs" color="gray" variant="outline">
                                Inactive
                              </Badge>
                            )}
                          </Group>
                        </Table.Td>
                        <Table.Td>{lawfulBasisLabels[s.lawfulBasis]}</Table.Td>
                        <Table.Td>
                          <ConsentState standing={s} />
                        </Table.Td>
                        <Table.Td>
                          <ObjectionState standing={s} />
                        </Table.Td>
                        <Table.Td>
                          <Group gap={6}>
                            {canConsent && (s.consentRequired || s.consent) ? (
                              consentGiven ? (
                                <Button
                                  size="compact-xs"
                                  variant="light"
                                  color="orange"
                                  onClick={() => setConsentChange({ standing: s, state: 'withdrawn' })}
                                  aria-label={`Record consent withdrawn for ${s.name}`}
                                >
                                  Consent withdrawn
                                </Button>
                              ) : (
                                <Button
                                  size="compact-xs"
                                  variant="light"
                                  onClick={() => setConsentChange({ standing: s, state: 'given' })}
                                  aria-label={`Record consent given for ${s.name}`}
                                >
                                  Consent given
                                </Button>
                              )
                            ) : null}
                            {canPrivacy && pending ? (
                              <>
                                <Button
                                  size="compact-xs"
                                  color="red"
                                  variant="light"
                                  loading={decide.isPending}
                                  onClick={() =>
                                    decide.mutate({ objectionId: pending.id, outcome: 'upheld' })
                                  }
                                  aria-label={`Uphold the objection to ${s.name}`}
                                >
                                  Uphold
                                </Button>
                                <Button
                                  size="compact-xs"
                                  variant="default"
                                  loading={decide.isPending}
                                  onClick={() =>
                                    decide.mutate({ objectionId: pending.id, outcome: 'rejected' })
                                  }
                                  aria-label={`Reject the objection to ${s.name}`}
                                >
                                  Reject
                                </Button>
                              </>
                            ) : canPrivacy && s.objection?.outcome !== 'upheld' ? (
                              <Button
                                size="compact-xs"
                                variant="default"
                                loading={object.isPending && object.variables === s.purpose}
                                onClick={() => object.mutate(s.purpose)}
                                aria-label={`Record an objection to ${s.name}`}
                              >
                                Objection
                              </Button>
                            ) : null}
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </>
        ) : null}
      </Stack>
      <ConsentModal personId={personId} change={consentChange} onClose={() => setConsentChange(null)} />
    </Paper>
  );
}
