import { Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { BreachCountdown } from './breach-countdown.tsx';
import { IncidentEditForm } from './incident-edit-form.tsx';
import { IncidentNotifications } from './incident-notifications.tsx';
import { ScopeOverrideButton } from './scope-override-form.tsx';
import { TimelineNoteForm } from './timeline-note-form.tsx';
import { ifMatch, incidentsKey, natureLabels, type Incident } from './incidents-query.ts';

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w={220}>{label}</Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

function ScopeCard({ incident, canWrite }: { incident: Incident; canWrite: boolean }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const recompute = useMutation({
    mutationFn: () =>
      body(
        api.POST('/api/v1/incidents/{id}/scope', {
          params: { path: { id: incident.id }, header: ifMatch(incident.version) },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: incidentsKey });
    },
  });
  const e = incident.effective;
  const s = incident.scope;
  return (
    <Card withBorder padding="lg">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          People, records and data
        </Title>
        {canWrite && incident.status === 'open' ? (
          <Group gap="xs">
            {incident.involvedActors.length > 0 ? (
              <Button
                size="xs"
                variant="light"
                onClick={() => recompute.mutate()}
                loading={recompute.isPending}
              >
                Recompute from the audit log
              </Button>
            ) : null}
            <ScopeOverrideButton key={incident.version} incident={incident} />
          </Group>
        ) : null}
      </Group>
      <ProblemAlert error={recompute.error} />
      <Group gap="xl" mb="sm">
        <div>
          <Text size="xl" fw={700} data-testid="affected-people">
            {e.people ?? '—'}
          </Text>
          <Text size="xs" c="dimmed">
            people (approx.)
          </Text>
        </div>
        <div>
          <Text size="xl" fw={700} data-testid="affected-records">
            {e.records ?? '—'}
          </Text>
          <Text size="xs" c="dimmed">
            records
          </Text>
        </div>
        <Badge variant="light">
          {e.source === 'override'
            ? 'set by staff'
            : e.source === 'computed'
              ? 'computed from the audit log'
              : 'not computed'}
        </Badge>
      </Group>
      <Text size="sm">Categories: {e.categories.join(', ') || '—'}</Text>
      {e.specialCategories.length > 0 ? (
        <Text size="sm" c="red">
          Special categories: {e.specialCategories.join(', ')}
        </Text>
      ) : null}
      {s ? (
        <Text size="xs" c="dimmed" mt="xs">
          {s.entries} audit entries (
          {Object.entries(s.operations)
            .map(([op, n]) => `${n} ${op}`)
            .join(', ') || 'none'}
          ), {s.identifiedPeople} people named, {s.bulkOperations} bulk operations covering {s.bulkPeople};
          between {s.peopleLow} and {s.peopleHigh} people. Computed {formatDateTime(s.computedAt)}.
        </Text>
      ) : null}
      {incident.scopeOverride ? (
        <Text size="xs" mt="xs">
          Override reason: {incident.scopeOverride.reason}
        </Text>
      ) : null}
    </Card>
  );
}

/** One incident: facts, the clock, the numbers, the assessment, notifications and the timeline. */
export function IncidentDetail() {
  const { id = '' } = useParams();
  const { api } = useApi();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('monitoring:write');
  const incident = useQuery({
    queryKey: [...incidentsKey, id],
    queryFn: () => body(api.GET('/api/v1/incidents/{id}', { params: { path: { id } } })),
  });
  const timeline = useQuery({
    queryKey: [...incidentsKey, id, 'timeline', incident.data?.version],
    queryFn: () => body(api.GET('/api/v1/incidents/{id}/timeline', { params: { path: { id } } })),
    enabled: incident.data !== undefined,
  });
  if (incident.isPending) return <PageLoader />;
  const i = incident.data;
  return (
    <>
      <PageHeader
        title={i ? `${i.reference}: ${i.title}` : 'Incident'}
        description={
          i ? (
            <Group gap="xs">
              <BreachCountdown key={i.version} clock={i.clock} />
              <Text size="sm" c="dimmed">
                deadline {formatDateTime(i.clock.deadline)}
              </Text>
              {i.status === 'closed' ? <Badge color="gray">Closed</Badge> : null}
            </Group>
          ) : null
        }
        actions={
          <Group gap="xs">
            <Button
              component="a"
              href={`/api/v1/incidents/${id}/export?format=html`}
              target="_blank"
              rel="noopener"
              variant="default"
            >
              Printable register entry
            </Button>
            <Button component="a" href={`/api/v1/incidents/${id}/export?format=json`} variant="default">
              JSON
            </Button>
            <Button component={Link} to="/incidents" variant="subtle">
              All incidents
            </Button>
          </Group>
        }
      />
      <ProblemAlert error={incident.error} />
      {i ? (
        <Stack>
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            <Card withBorder padding="lg">
              <Title order={2} size="h4" mb="xs">
                Facts
              </Title>
              <Table>
                <Table.Tbody>
                  <Fact label="Occurred">
                    {i.occurredTo
                      ? `${formatDateTime(i.occurredFrom)} – ${formatDateTime(i.occurredTo)}`
                      : `from ${formatDateTime(i.occurredFrom)}`}
                  </Fact>
                  <Fact label="Became aware">{formatDateTime(i.awareAt)}</Fact>
                  <Fact label="Nature">{i.nature.map((n) => natureLabels[n]).join('; ') || '—'}</Fact>
                  <Fact label="Accounts involved">
                    {i.involvedActors.map((a) => `${a.type} ${a.id.slice(0, 8)}`).join(', ') || '—'}
                  </Fact>
                  <Fact label="From alert">{i.alertId ?? '—'}</Fact>
                  <Fact label="Risk">
                    {i.assessment.score === null
                      ? 'not assessed'
                      : `${i.likelihood} × ${i.severity} = ${i.assessment.score} (${i.assessment.level})`}
                  </Fact>
                </Table.Tbody>
              </Table>
            </Card>
            <ScopeCard incident={i} canWrite={canWrite} />
          </SimpleGrid>
          <Card withBorder padding="lg">
            <Title order={2} size="h4" mb="xs">
              Assessment and measures
            </Title>
            <IncidentEditForm key={i.version} incident={i} />
          </Card>
          <Card withBorder padding="lg">
            <Title order={2} size="h4" mb="xs">
              Notifications
            </Title>
            <IncidentNotifications incident={i} canWrite={canWrite} />
          </Card>
          <Card withBorder padding="lg">
            <Title order={2} size="h4" mb="xs">
              Timeline
            </Title>
            <ProblemAlert error={timeline.error} />
            <Table aria-label="Timeline">
              <Table.Tbody>
                {(timeline.data?.items ?? []).map((t) => (
                  <Table.Tr key={t.id}>
                    <Table.Td w={200}>{formatDateTime(t.at)}</Table.Td>
                    <Table.Td w={160}>
                      <Badge variant="light">{t.kind.replace(/_/g, ' ')}</Badge>
                    </Table.Td>
                    <Table.Td>{t.note}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {canWrite && i.status === 'open' ? <TimelineNoteForm incidentId={i.id} /> : null}
          </Card>
        </Stack>
      ) : null}
    </>
  );
}
