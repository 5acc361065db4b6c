import { Anchor, Badge, Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';

const key = ['compliance'] as const;
const severityColor: Record<string, string> = { critical: 'red', high: 'red', medium: 'orange', low: 'gray' };

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Compliance audits: run the checks now, the latest run's score and findings (each with a link to where it is fixed),
 * what changed since the run before, the run history, report exports, and the auditor pack for a date range.
 */
export function CompliancePage() {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const session = useSession();
  const canRun = session.status === 'signed-in' && session.permissions.has('compliance:run');
  const runs = useQuery({
    queryKey: [...key, 'runs'],
    queryFn: () => body(api.GET('/api/v1/compliance/runs', { params: { query: { limit: 20 } } })),
  });
  const latestId = runs.data?.items[0]?.id;
  const latest = useQuery({
    queryKey: [...key, 'run', latestId],
    enabled: latestId !== undefined,
    queryFn: () => body(api.GET('/api/v1/compliance/runs/{id}', { params: { path: { id: latestId! } } })),
  });
  const comparison = useQuery({
    queryKey: [...key, 'comparison', latestId],
    enabled: latestId !== undefined,
    queryFn: () =>
      body(api.GET('/api/v1/compliance/runs/{id}/comparison', { params: { path: { id: latestId! } } })),
  });
  const run = useMutation({
    mutationFn: () => body(api.POST('/api/v1/compliance/runs', { body: {} })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  const [from, setFrom] = useState(isoDay(-90));
  const [to, setTo] = useState(isoDay(0));
  const r = latest.data;
  const packHref = `/api/v1/compliance/auditor-pack?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;

  return (
    <>
      <PageHeader
        title="Compliance audits"
        description="Automated checks over purposes, catalogue, consent, registers, access, keys, training, retention, requests and incidents."
        actions={
          canRun ? (
            <Button onClick={() => run.mutate()} loading={run.isPending} data-testid="compliance-run">
              Run the checks now
            </Button>
          ) : null
        }
      />
      <ProblemAlert error={runs.error ?? latest.error ?? run.error} />
      <Stack gap="lg">
        {runs.data && runs.data.items.length === 0 ? (
          <Text c="dimmed">No audit has run yet. The daily job runs one; you can run one now.</Text>
        ) : null}
        {r ? (
          <Card withBorder padding="lg" data-testid="compliance-latest">
            <Group justify="space-between" mb="sm">
              <Title order={2} size="h4">
                Latest run · {r.finishedAt.slice(0, 16).replace('T', ' ')}
              </Title>
              <Badge
                size="lg"
                color={r.score >= 90 ? 'teal' : r.score >= 70 ? 'orange' : 'red'}
                data-testid="compliance-score"
              >
                Score {r.score}
              </Badge>
            </Group>
            <Text size="sm">
              {r.checksRun} checks, {r.checksFailed} with findings: {r.bySeverity.critical} critical,{' '}
              {r.bySeverity.high} high, {r.bySeverity.medium} medium, {r.bySeverity.low} low.
              {comparison.data?.previousRunId
                ? ` Since the run before (score ${comparison.data.previousScore}): ${comparison.data.newFindings.length} new, ${comparison.data.resolvedFindings.length} resolved.`
                : ''}
            </Text>
            {r.skipped.length > 0 ? (
              <Text size="xs" c="dimmed">
                Not run (area not installed): {r.skipped.map((s) => s.key).join(', ')}
              </Text>
            ) : null}
            <Group mt="sm" gap="xs">
              <Button
                component="a"
                href={`/api/v1/compliance/runs/${r.id}/export?format=html`}
                target="_blank"
                rel="noopener"
                variant="default"
                size="xs"
              >
                Printable report
              </Button>
              <Button
                component="a"
                href={`/api/v1/compliance/runs/${r.id}/export?format=csv`}
                variant="default"
                size="xs"
              >
                CSV
              </Button>
              <Button
                component="a"
                href={`/api/v1/compliance/runs/${r.id}/export?format=json`}
                variant="default"
                size="xs"
              >
                JSON
              </Button>
            </Group>
            {r.items.length > 0 ? (
              <Table mt="md" striped data-testid="compliance-findings">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Severity</Table.Th>
                    <Table.Th>Finding</Table.Th>
                    <Table.Th>Concerns</Table.Th>
                    <Table.Th>Fix</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {r.items.map((f) => {
                    const isNew =
                      comparison.data?.newFindings.some(
                        (n) => n.checkKey === f.checkKey && n.subject === f.subject,
                      ) && comparison.data.previousRunId !== null;
                    return (
                      <Table.Tr key={`${f.checkKey}:${f.subject}`}>
                        <Table.Td>
                          <Badge
                            color={severityColor[f.severity] ?? 'gray'}
                            variant={f.severity === 'critical' ? 'filled' : 'light'}
                          >
                            {f.severity}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">
                            {f.title} {isNew ? <Badge size="xs">new</Badge> : null}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {f.checkKey} · {f.reference}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="xs" ff="monospace">
                            {f.subject}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Anchor component={Link} to={f.fixLink} size="sm">
                            Fix
                          </Anchor>
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            ) : (
              <Text mt="sm" size="sm" c="teal">
                No findings.
              </Text>
            )}
            {comparison.data && comparison.data.resolvedFindings.length > 0 ? (
              <Text mt="sm" size="sm" c="teal">
                Resolved since the run before:{' '}
                {comparison.data.resolvedFindings.map((f) => `${f.title} (${f.subject})`).join('; ')}
              </Text>
            ) : null}
          </Card>
        ) : null}

        <Card withBorder padding="lg">
          <Title order={2} size="h4" mb="xs">
            Auditor pack
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            One zip for a date range: records of processing, DPIAs, consent evidence summary, request log with
            deadlines met, erasure certificates, breach register, training completion, the latest audit and
            the audit-chain verification, with a manifest of SHA-256 digests.
          </Text>
          <Group align="flex-end">
            <TextInput
              type="date"
              label="From"
              value={from}
              onChange={(e) => setFrom(e.currentTarget.value)}
            />
            <TextInput type="date" label="To" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
            <Button component="a" href={packHref} variant="filled" data-testid="auditor-pack-download">
              Download the pack
            </Button>
          </Group>
        </Card>

        {runs.data && runs.data.items.length > 0 ? (
          <Card withBorder padding="lg">
            <Title order={2} size="h4" mb="xs">
              Run history
            </Title>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Started by</Table.Th>
                  <Table.Th>Score</Table.Th>
                  <Table.Th>Findings</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {runs.data.items.map((x) => (
                  <Table.Tr key={x.id}>
                    <Table.Td>{x.finishedAt.slice(0, 16).replace('T', ' ')}</Table.Td>
                    <Table.Td>{x.trigger}</Table.Td>
                    <Table.Td>{x.score}</Table.Td>
                    <Table.Td>{x.findings}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
        ) : null}
      </Stack>
    </>
  );
}
