import {
  Anchor,
  Button,
  Card,
  Code,
  Group,
  Modal,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Route, Routes, useNavigate, useParams } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { NotFoundPage } from '../../app/route-guards.tsx';
import { useSession } from '../../app/session.tsx';
import { SeverityBadge, StatusBadge } from './alert-badges.tsx';
import { alertsKey, ifMatch, ruleLabels, subjectLabels, type Alert } from './alerts-query.ts';

type StatusFilter = 'active' | 'dismissed' | 'incident' | 'all';

function AlertList() {
  const { api } = useApi();
  const session = useSession();
  const canConfigure = session.status === 'signed-in' && session.permissions.has('monitoring:write');
  const [status, setStatus] = useState<StatusFilter>('active');
  const list = useQuery({
    queryKey: [...alertsKey, 'list', status],
    queryFn: () =>
      body(
        api.GET('/api/v1/alerts', {
          params: { query: status === 'all' ? { limit: 200 } : { status, limit: 200 } },
        }),
      ),
    refetchInterval: 10_000,
  });
  const items = list.data?.items ?? [];
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Anomalies found in the audit log as it is written: bulk exports, access at night, failed sign-ins, privilege changes, special categories, tokens from new addresses. Repeats are grouped into one alert."
        actions={
          canConfigure ? (
            <Button component={Link} to="/alert-rules" variant="default">
              Alert rules
            </Button>
          ) : null
        }
      />
      <Stack>
        <SegmentedControl
          w="fit-content"
          value={status}
          onChange={(v) => setStatus(v as StatusFilter)}
          aria-label="Which alerts"
          data={[
            { value: 'active', label: 'Open' },
            { value: 'incident', label: 'Incidents' },
            { value: 'dismissed', label: 'Dismissed' },
            { value: 'all', label: 'All' },
          ]}
        />
        <ProblemAlert error={list.error} />
        {list.isPending ? <PageLoader /> : null}
        {list.data && items.length === 0 ? <Text>No alerts here.</Text> : null}
        {items.length > 0 ? (
          <Table striped aria-label="Alerts">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Severity</Table.Th>
                <Table.Th>Alert</Table.Th>
                <Table.Th>Raised</Table.Th>
                <Table.Th>Hits</Table.Th>
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((a) => (
                <Table.Tr key={a.id} data-testid={`alert-row-${a.rule}`}>
                  <Table.Td>
                    <SeverityBadge severity={a.severity} />
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={a.id}>
                      {a.title}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      {a.summary}
                    </Text>
                  </Table.Td>
                  <Table.Td>{formatDateTime(a.raisedAt)}</Table.Td>
                  <Table.Td>{a.hits}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={a.status} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
      </Stack>
    </>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm">{children}</Text>
    </div>
  );
}

function AlertActions({ alert }: { alert: Alert }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [dismissing, setDismissing] = useState(false);
  const [reason, setReason] = useState('');
  const done = () => queryClient.invalidateQueries({ queryKey: alertsKey });
  const path = { params: { path: { id: alert.id }, header: ifMatch(alert.version) } };
  const acknowledge = useMutation({
    mutationFn: () => body(api.POST('/api/v1/alerts/{id}/acknowledge', path)),
    onSuccess: done,
  });
  const dismiss = useMutation({
    mutationFn: () => body(api.POST('/api/v1/alerts/{id}/dismiss', { ...path, body: { reason } })),
    onSuccess: async () => {
      setDismissing(false);
      await done();
    },
  });
  const incident = useMutation({
    mutationFn: () => body(api.POST('/api/v1/alerts/{id}/incident', path)),
    onSuccess: async (r) => {
      await done();
      await queryClient.invalidateQueries({ queryKey: ['incidents'] });
      void navigate(`/incidents/${r.incidentId}`);
    },
  });
  if (alert.status === 'dismissed' || alert.status === 'incident') return null;
  return (
    <>
      <Group>
        {alert.status === 'open' ? (
          <Button variant="default" loading={acknowledge.isPending} onClick={() => acknowledge.mutate()}>
            Acknowledge
          </Button>
        ) : null}
        <Button variant="default" onClick={() => setDismissing(true)}>
          Dismiss…
        </Button>
        <Button color="red" loading={incident.isPending} onClick={() => incident.mutate()}>
          Open an incident
        </Button>
      </Group>
      <ProblemAlert error={acknowledge.error ?? incident.error} />
      <Modal opened={dismissing} onClose={() => setDismissing(false)} title="Dismiss the alert">
        <Stack>
          <Textarea
            label="Reason"
            description="Why this is not a concern (kept with the alert)."
            required
            autosize
            minRows={3}
            maxLength={1000}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          <ProblemAlert error={dismiss.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDismissing(false)}>
              Cancel
            </Button>
            <Button loading={dismiss.isPending} onClick={() => dismiss.mutate()}>
              Dismiss
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

function AlertDetail() {
  const { id = '' } = useParams();
  const { api } = useApi();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('monitoring:write');
  const alert = useQuery({
    queryKey: [...alertsKey, 'one', id],
    queryFn: () => body(api.GET('/api/v1/alerts/{id}', { params: { path: { id } } })),
  });
  if (alert.isPending) return <PageLoader />;
  if (!alert.data) return <ProblemAlert error={alert.error} />;
  const a = alert.data;
  return (
    <>
      <PageHeader
        title={a.title}
        description={
          <Group gap="xs">
            <SeverityBadge severity={a.severity} />
            <StatusBadge status={a.status} />
            <Text size="sm">{ruleLabels[a.rule]}</Text>
          </Group>
        }
      />
      <Stack>
        <Card withBorder>
          <Stack>
            <Text>{a.summary}</Text>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <Fact label="Raised">{formatDateTime(a.raisedAt)}</Fact>
              <Fact label="Window">
                {formatDateTime(a.windowStart)} to {formatDateTime(a.windowEnd)}
              </Fact>
              <Fact label="Hits grouped">{a.hits}</Fact>
              <Fact label="First evidence">{formatDateTime(a.firstSeenAt)}</Fact>
              <Fact label="Latest evidence">{formatDateTime(a.lastSeenAt)}</Fact>
              <Fact label={subjectLabels[a.subjectType]}>
                {a.subjectId ? <Code>{a.subjectId}</Code> : '—'}
              </Fact>
            </SimpleGrid>
            {a.acknowledgedAt ? <Fact label="Acknowledged">{formatDateTime(a.acknowledgedAt)}</Fact> : null}
            {a.dismissedAt ? (
              <Fact label={`Dismissed ${formatDateTime(a.dismissedAt)}`}>{a.dismissReason}</Fact>
            ) : null}
            {a.incidentId ? (
              <Anchor component={Link} to={`/incidents/${a.incidentId}`}>
                Open the incident
              </Anchor>
            ) : null}
          </Stack>
        </Card>
        {canWrite ? <AlertActions alert={a} /> : null}
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">
            Evidence
          </Title>
          <Text size="sm" mb="xs">
            {a.evidence.count} audit entries cited
            {a.evidence.seqs.length < a.evidence.count ? ` (the first ${a.evidence.seqs.length} listed)` : ''}
            , by their position in the audit log (Administration › Audit log).
          </Text>
          <Group gap={6} data-testid="alert-evidence">
            {a.evidence.seqs.map((seq) => (
              <Code key={seq}>#{seq}</Code>
            ))}
          </Group>
          <Table mt="md" aria-label="Figures">
            <Table.Tbody>
              {Object.entries(a.figures).map(([k, v]) => (
                <Table.Tr key={k}>
                  <Table.Th>{k}</Table.Th>
                  <Table.Td>{Array.isArray(v) ? v.join(', ') : String(v)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      </Stack>
    </>
  );
}

/** Alerts: the list at `/alerts`, one alert with its evidence and actions at `/alerts/:id`. */
export function AlertsPage() {
  return (
    <Routes>
      <Route index element={<AlertList />} />
      <Route path=":id" element={<AlertDetail />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
