import { Alert, Button, Code, Group, List, Modal, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { ifMatch, incidentsKey, type Draft, type Incident } from './incidents-query.ts';

const kindLabels = {
  authority: 'Notification to the supervisory authority (Art. 33)',
  people: 'Letter to the people concerned (Art. 34)',
} as const;

/** Drafts of both notifications, whom to notify, recording that they went out, and closing. */
export function IncidentNotifications({ incident, canWrite }: { incident: Incident; canWrite: boolean }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [authorityReference, setAuthorityReference] = useState('');
  const recipients = useQuery({
    queryKey: [...incidentsKey, incident.id, 'recipients', incident.version],
    queryFn: () =>
      body(api.GET('/api/v1/incidents/{id}/recipients', { params: { path: { id: incident.id } } })),
  });
  const produce = useMutation({
    mutationFn: (kind: 'authority' | 'people') =>
      body(api.POST('/api/v1/incidents/{id}/drafts/{kind}', { params: { path: { id: incident.id, kind } } })),
    onSuccess: async (d) => {
      setDraft(d);
      await queryClient.invalidateQueries({ queryKey: incidentsKey });
    },
  });
  const notify = useMutation({
    mutationFn: (kind: 'authority' | 'people') =>
      body(
        api.POST('/api/v1/incidents/{id}/notifications', {
          params: { path: { id: incident.id }, header: ifMatch(incident.version) },
          body: { kind, ...(kind === 'authority' && authorityReference ? { authorityReference } : {}) },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: incidentsKey });
    },
  });
  const close = useMutation({
    mutationFn: () =>
      body(
        api.POST('/api/v1/incidents/{id}/close', {
          params: { path: { id: incident.id }, header: ifMatch(incident.version) },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: incidentsKey });
    },
  });
  const a = incident.assessment;
  const open = incident.status === 'open' && canWrite;
  return (
    <Stack>
      <List size="sm">
        {a.reasons.map((r) => (
          <List.Item key={r}>{r}</List.Item>
        ))}
      </List>
      <ProblemAlert error={produce.error ?? notify.error ?? close.error} />
      {(['authority', 'people'] as const).map((kind) => (
        <Stack key={kind} gap={4} data-testid={`draft-${kind}`}>
          <Title order={3} size="h5">
            {kindLabels[kind]}
          </Title>
          <Text size="sm">
            {kind === 'authority'
              ? a.authorityRequired
                ? 'Required.'
                : 'Not required by the assessment.'
              : a.peopleRequired
                ? 'Required: high risk.'
                : a.publicCommunication
                  ? 'A public communication replaces individual letters.'
                  : 'Not required by the assessment.'}{' '}
            {kind === 'authority' && incident.authorityNotifiedAt
              ? `Notified ${formatDateTime(incident.authorityNotifiedAt)}${incident.authorityReference ? ` (case ${incident.authorityReference})` : ''}.`
              : null}
            {kind === 'people' && incident.peopleNotifiedAt
              ? `Notified ${formatDateTime(incident.peopleNotifiedAt)}.`
              : null}
          </Text>
          {incident.missing[kind].length > 0 ? (
            <Text size="sm" c="orange" data-testid={`missing-${kind}`}>
              Missing before a draft can be produced: {incident.missing[kind].join(', ')}
            </Text>
          ) : null}
          <Group gap="xs">
            {canWrite ? (
              <Button
                size="xs"
                variant="light"
                onClick={() => produce.mutate(kind)}
                loading={produce.isPending && produce.variables === kind}
              >
                Draft {kind === 'authority' ? 'notification' : 'letter'}
              </Button>
            ) : null}
            {open && (kind === 'authority' ? !incident.authorityNotifiedAt : !incident.peopleNotifiedAt) ? (
              <>
                {kind === 'authority' ? (
                  <TextInput
                    size="xs"
                    placeholder="Authority case number"
                    aria-label="Authority case number"
                    value={authorityReference}
                    onChange={(e) => setAuthorityReference(e.currentTarget.value)}
                  />
                ) : null}
                <Button
                  size="xs"
                  variant="default"
                  onClick={() => notify.mutate(kind)}
                  loading={notify.isPending && notify.variables === kind}
                >
                  Mark {kind === 'authority' ? 'authority' : 'people'} notified
                </Button>
              </>
            ) : null}
          </Group>
        </Stack>
      ))}
      <Stack gap={4}>
        <Title order={3} size="h5">
          Whom to notify
        </Title>
        <ProblemAlert error={recipients.error} />
        {recipients.data ? (
          <Text size="sm" data-testid="recipients-summary">
            {recipients.data.recipients.length} people to notify, known by pseudonym (
            {Object.entries(
              recipients.data.recipients.reduce<Record<string, number>>(
                (acc, r) => ({ ...acc, [r.channel]: (acc[r.channel] ?? 0) + 1 }),
                {},
              ),
            )
              .map(([c, n]) => `${n} by ${c}`)
              .join(', ') || 'none'}
            ); {recipients.data.unlisted} more in bulk operations that name no one; {recipients.data.erased}{' '}
            erased since.
          </Text>
        ) : null}
        <Group gap="xs">
          <Button
            size="xs"
            variant="default"
            component="a"
            href={`/api/v1/incidents/${incident.id}/recipients.csv`}
          >
            Recipients CSV (pseudonyms)
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          Contact details for sending:{' '}
          <Code>GET /api/v1/incidents/{'{id}'}/recipients.csv?contacts=true</Code> with a legal-obligation
          purpose in the Custodian-Purpose header (audited).
        </Text>
      </Stack>
      {open ? (
        <Group>
          <Button color="gray" variant="outline" onClick={() => close.mutate()} loading={close.isPending}>
            Close incident
          </Button>
        </Group>
      ) : null}
      <Modal
        opened={draft !== null}
        onClose={() => setDraft(null)}
        title={draft ? kindLabels[draft.kind] : ''}
        size="xl"
      >
        {draft ? (
          <Stack data-testid="draft-text">
            <Alert color="blue">Review before sending: Custodian does not send it.</Alert>
            <Title order={3} size="h5">
              {draft.subject}
            </Title>
            {draft.sections.map((s) => (
              <div key={s.heading}>
                <Text fw={600} size="sm">
                  {s.heading}
                </Text>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {s.body}
                </Text>
              </div>
            ))}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => void navigator.clipboard?.writeText(draft.text)}>
                Copy text
              </Button>
            </Group>
          </Stack>
        ) : null}
      </Modal>
    </Stack>
  );
}
