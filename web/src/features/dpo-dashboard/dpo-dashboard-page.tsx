import { Anchor, Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { BarChart } from './bar-chart.tsx';
import { LineChart } from './line-chart.tsx';
import { RingChart } from './ring-chart.tsx';
import { msUntil, serverClockOffset } from './server-clock.ts';

const palette = ['blue', 'teal', 'grape', 'orange', 'cyan', 'pink', 'lime', 'indigo'].map(
  (c) => `var(--mantine-color-${c}-6)`,
);
const severityColor = {
  critical: 'var(--mantine-color-red-8)',
  high: 'var(--mantine-color-red-6)',
  medium: 'var(--mantine-color-orange-6)',
  low: 'var(--mantine-color-gray-6)',
} as const;

function Panel({
  title,
  testId,
  children,
  link,
}: {
  title: string;
  testId: string;
  children: ReactNode;
  link?: { to: string; label: string };
}) {
  return (
    <Card withBorder padding="lg" data-testid={testId}>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          {title}
        </Title>
        {link ? (
          <Anchor component={Link} to={link.to} size="sm">
            {link.label}
          </Anchor>
        ) : null}
      </Group>
      {children}
    </Card>
  );
}

/** The browser's clock, ticking every 30 seconds (deadlines add the server clock's offset to it). */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function clock(ms: number): string {
  const abs = Math.abs(ms);
  const h = Math.floor(abs / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  return ms >= 0 ? `${h} h ${m} min left` : `${h} h ${m} min overdue`;
}

/**
 * The DPO's dashboard: consent rates per purpose over time, open requests by deadline, retention, open incidents with
 * their 72-hour clocks, alerts, training completion, the compliance score over time with top findings, and processing
 * volume per purpose. One call to `GET /api/v1/dashboard/privacy`; charts are hand-written SVG.
 */
export function DpoDashboardPage() {
  const { api } = useApi();
  const now = useNow();
  const q = useQuery({
    queryKey: ['dashboard', 'privacy'],
    queryFn: async () => {
      const sentAt = Date.now();
      const dashboard = await body(api.GET('/api/v1/dashboard/privacy'));
      // Clocks count from the server's time (its `generatedAt`), never from the browser's, which may be wrong.
      return {
        dashboard,
        offset: serverClockOffset({ serverNow: dashboard.generatedAt, sentAt, receivedAt: Date.now() }),
      };
    },
    refetchInterval: 60_000,
  });
  const d = q.data?.dashboard;
  const offset = q.data?.offset ?? 0;
  return (
    <>
      <PageHeader
        title="Privacy dashboard"
        description="Where privacy stands today: consent, requests, retention, incidents, alerts, training, compliance and processing."
      />
      <ProblemAlert error={q.error} />
      {d ? (
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <Panel
            title="Compliance score"
            testId="dashboard-compliance"
            link={{ to: '/compliance', label: 'Audits' }}
          >
            <LineChart
              label="Compliance score over the last runs"
              xLabels={d.compliance.history.map((h) => h.at.slice(0, 10))}
              series={[
                { label: 'Score', values: d.compliance.history.map((h) => h.score), color: palette[0]! },
              ]}
              max={100}
            />
            <Stack gap={4} mt="sm">
              {d.compliance.topFindings.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {d.compliance.latestRunId ? 'No findings in the latest run.' : 'No audit has run yet.'}
                </Text>
              ) : null}
              {d.compliance.topFindings.map((f) => (
                <Group key={`${f.checkKey}:${f.subject}`} justify="space-between" wrap="nowrap">
                  <Anchor component={Link} to={f.fixLink} size="sm" truncate>
                    {f.title}
                  </Anchor>
                  <Badge
                    color={
                      f.severity === 'critical' || f.severity === 'high'
                        ? 'red'
                        : f.severity === 'medium'
                          ? 'orange'
                          : 'gray'
                    }
                    variant="light"
                  >
                    {f.severity}
                  </Badge>
                </Group>
              ))}
            </Stack>
          </Panel>

          <Panel
            title="Open incidents"
            testId="dashboard-incidents"
            link={{ to: '/incidents', label: 'Register' }}
          >
            {d.incidents === null ? (
              <Text size="sm" c="dimmed">
                The incident register is not installed.
              </Text>
            ) : null}
            {d.incidents?.length === 0 ? (
              <Text size="sm" c="dimmed">
                No open incident.
              </Text>
            ) : null}
            <Stack gap={6}>
              {d.incidents?.map((i) => {
                const left = msUntil(i.deadline, now, offset);
                return (
                  <Group key={i.id} justify="space-between" wrap="nowrap">
                    <Anchor component={Link} to={`/incidents/${i.id}`} size="sm">
                      {i.reference}
                    </Anchor>
                    {i.notified ? (
                      <Badge color="teal" variant="light">
                        authority notified
                      </Badge>
                    ) : (
                      <Badge
                        color={left < 0 ? 'red' : left < 24 * 3_600_000 ? 'orange' : 'blue'}
                        variant={left < 0 ? 'filled' : 'light'}
                        data-testid="incident-clock"
                      >
                        {clock(left)}
                      </Badge>
                    )}
                  </Group>
                );
              })}
            </Stack>
          </Panel>

          <Panel
            title="Consent rate per purpose"
            testId="dashboard-consent"
            link={{ to: '/consents', label: 'Consents' }}
          >
            {d.consent.length === 0 ? (
              <Text size="sm" c="dimmed">
                No consent-based processing yet.
              </Text>
            ) : null}
            <BarChart
              label="Share of consent records valid now, per purpose (percent)"
              bars={d.consent.map((p, i) => ({
                label: p.purpose,
                value: Math.round(p.rate * 100),
                color: palette[i % palette.length]!,
              }))}
            />
            {d.consent.length > 0 ? (
              <LineChart
                label="Consents given per week and purpose"
                xLabels={[...new Set(d.consent.flatMap((p) => p.weekly.map((w) => w.week)))].sort()}
                series={d.consent.map((p, i) => {
                  const weeks = [...new Set(d.consent.flatMap((x) => x.weekly.map((w) => w.week)))].sort();
                  return {
                    label: `${p.purpose} given`,
                    values: weeks.map((w) => p.weekly.find((x) => x.week === w)?.given ?? 0),
                    color: palette[i % palette.length]!,
                  };
                })}
              />
            ) : null}
          </Panel>

          <Panel
            title="Requests by deadline"
            testId="dashboard-requests"
            link={{ to: '/requests', label: 'Inbox' }}
          >
            {d.requests === null ? (
              <Text size="sm" c="dimmed">
                The request inbox is not installed.
              </Text>
            ) : (
              <>
                <BarChart
                  label="Open data subject requests by deadline"
                  bars={[
                    { label: 'Overdue', value: d.requests.overdue, color: 'var(--mantine-color-red-6)' },
                    {
                      label: 'Due in 7 days',
                      value: d.requests.dueIn7Days,
                      color: 'var(--mantine-color-orange-6)',
                    },
                    {
                      label: 'Due in 30 days',
                      value: d.requests.dueIn30Days,
                      color: 'var(--mantine-color-blue-6)',
                    },
                    { label: 'Later', value: d.requests.later, color: 'var(--mantine-color-gray-6)' },
                  ]}
                />
                <Text size="xs" c="dimmed">
                  Last 90 days: {d.requests.closedInTime90Days} closed in time, {d.requests.closedLate90Days}{' '}
                  late.
                </Text>
              </>
            )}
          </Panel>

          <Panel title="Alerts" testId="dashboard-alerts" link={{ to: '/alerts', label: 'Alerts' }}>
            {d.alerts === null ? (
              <Text size="sm" c="dimmed">
                Anomaly detection is not installed.
              </Text>
            ) : (
              <>
                <BarChart
                  label="Open alerts by severity"
                  bars={(['critical', 'high', 'medium', 'low'] as const).map((s) => ({
                    label: s,
                    value: d.alerts!.open[s],
                    color: severityColor[s],
                  }))}
                />
                <LineChart
                  label="Alerts raised per day"
                  xLabels={d.alerts.daily.map((x) => x.day)}
                  series={[
                    { label: 'Raised', values: d.alerts.daily.map((x) => x.raised), color: palette[3]! },
                  ]}
                />
              </>
            )}
          </Panel>

          <Panel
            title="Training and retention"
            testId="dashboard-training"
            link={{ to: '/training', label: 'Training' }}
          >
            <Group align="center" wrap="nowrap">
              <RingChart
                label="Training assignments completed"
                percent={d.training.completionRate}
                color="var(--mantine-color-teal-6)"
              />
              <Stack gap={2}>
                <Text size="sm">
                  {d.training.completed} of {d.training.assigned} assignments completed
                </Text>
                <Text size="sm" c={d.training.overdue > 0 ? 'red' : 'dimmed'}>
                  {d.training.overdue} overdue
                </Text>
                <Text size="sm" mt="sm">
                  {d.retention
                    ? `Last retention sweep ${d.retention.lastSweepAt.slice(0, 10)}${d.retention.dryRun ? ' (dry run)' : ''}: ${d.retention.due} due, ${d.retention.erased} erased, ${d.retention.blocked} blocked, ${d.retention.failed} failed.`
                    : 'No retention sweep recorded.'}
                </Text>
              </Stack>
            </Group>
          </Panel>

          <Panel
            title="Processing volume per purpose"
            testId="dashboard-processing"
            link={{ to: '/audit', label: 'Audit log' }}
          >
            <LineChart
              label="Audit entries per purpose per day, last 30 days"
              xLabels={d.processing.days}
              series={d.processing.purposes.slice(0, 6).map((p, i) => ({
                label: `${p.purpose} (${p.total})`,
                values: p.daily,
                color: palette[i % palette.length]!,
              }))}
            />
          </Panel>
        </SimpleGrid>
      ) : null}
    </>
  );
}
