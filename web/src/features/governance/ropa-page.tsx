import { Accordion, Badge, Button, Group, List, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { governanceKey, type RopaSnapshot } from './governance-query.ts';

type Activity = RopaSnapshot['document']['activities'][number];

function party(p: { name: string; address?: string; email: string; phone: string } | null): string {
  return p ? [p.name, p.address, p.email, p.phone].filter(Boolean).join(', ') : '—';
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w="28%">{label}</Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

function Lines({ items }: { items: readonly string[] }) {
  return items.length === 0 ? (
    <Text size="sm">—</Text>
  ) : (
    <List size="sm">
      {items.map((i) => (
        <List.Item key={i}>{i}</List.Item>
      ))}
    </List>
  );
}

function ActivityRecord({ a }: { a: Activity }) {
  return (
    <Table aria-label={`Record of ${a.name}`} data-testid={`ropa-activity-${a.purposeKey}`}>
      <Table.Tbody>
        <Row label="Purpose">{a.description || '—'}</Row>
        <Row label="Lawful basis">
          {a.lawfulBasis}
          {a.art9Condition ? ` · Art. 9(2): ${a.art9Condition}` : ''}
        </Row>
        <Row label="Data subjects">
          <Lines items={a.dataSubjects} />
        </Row>
        <Row label="Personal data">
          <Lines items={a.dataCategories.map((c) => `${c.name} (${c.key})${c.special ? ' — special category' : ''}`)} />
        </Row>
        <Row label="Recipients">
          <Lines items={a.recipients.map((r) => `${r.name} — ${r.kind.replace('_', '-')}${r.countries.length ? ` (${r.countries.join(', ')})` : ''}${r.status === 'draft' ? ' — draft' : ''}`)} />
        </Row>
        <Row label="Transfers">
          <Lines items={a.transfers.map((t) => `${t.recipient} → ${t.countryName}: ${t.safeguards}${t.flags.length ? ` [${t.flags.join(', ')}]` : ''}`)} />
        </Row>
        <Row label="Erasure time limits">
          <Text size="sm">{a.retention} for the purpose</Text>
          <Lines items={a.dataCategories.flatMap((c) => c.attributes.map((x) => `${x.attribute}: ${x.retention}`))} />
        </Row>
        <Row label="Roles with access">{a.accessRoles.join(', ') || '—'}</Row>
      </Table.Tbody>
    </Table>
  );
}

/**
 * The records of processing (Art. 30(1)), generated from the live configuration: current or as of a date, with
 * exports as JSON, CSV and a printable document.
 */
export function RopaPage() {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('governance:write');
  const [asOf, setAsOf] = useState('');
  const [applied, setApplied] = useState('');
  const ropa = useQuery({
    queryKey: [...governanceKey, 'ropa', applied],
    queryFn: () => body(api.GET('/api/v1/governance/ropa', { params: { query: applied ? { asOf: applied } : {} } })),
  });
  const snapshot = useMutation({
    mutationFn: () => body(api.POST('/api/v1/governance/ropa/snapshots')),
    onSuccess: async (s) => {
      notifications.show({ color: 'green', message: `Version ${s.version} recorded.` });
      await queryClient.invalidateQueries({ queryKey: governanceKey });
    },
  });
  const exportHref = (format: 'json' | 'csv' | 'html') => `/api/v1/governance/ropa/export?format=${format}${applied ? `&asOf=${applied}` : ''}`;
  const s = ropa.data;
  return (
    <>
      <PageHeader
        title="Records of processing"
        description="One record per purpose, generated from the purposes, the data catalogue, the processors and transfers, and the configuration. Every change is kept as a version."
        actions={
          canWrite ? (
            <Button variant="default" onClick={() => snapshot.mutate()} loading={snapshot.isPending}>
              Record a version now
            </Button>
          ) : null
        }
      />
      <Stack>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setApplied(asOf);
          }}
        >
          <Group align="flex-end">
            <TextInput label="As of date" type="date" value={asOf} onChange={(e) => setAsOf(e.currentTarget.value)} />
            <Button type="submit" variant="light">
              Show
            </Button>
            {applied ? (
              <Button
                variant="subtle"
                onClick={() => {
                  setAsOf('');
                  setApplied('');
                }}
              >
                Current
              </Button>
            ) : null}
            <Group gap="xs" ml="auto">
              <Button component="a" href={exportHref('html')} target="_blank" rel="noopener" variant="default">
                Printable document
              </Button>
              <Button component="a" href={exportHref('csv')} variant="default">
                CSV
              </Button>
              <Button component="a" href={exportHref('json')} variant="default">
                JSON
              </Button>
            </Group>
          </Group>
        </form>
        <ProblemAlert error={ropa.error ?? snapshot.error} />
        {ropa.isPending ? <PageLoader /> : null}
        {s ? (
          <>
            <Text size="sm" c="dimmed" data-testid="ropa-version">
              Version {s.version} · taken {s.takenAt} · SHA-256 <code>{s.digest.slice(0, 16)}…</code>
            </Text>
            <Table aria-label="Controller">
              <Table.Tbody>
                <Row label="Controller">{party(s.document.controller)}</Row>
                <Row label="EU representative">{party(s.document.representative)}</Row>
                <Row label="Data protection officer">{party(s.document.dpo)}</Row>
              </Table.Tbody>
            </Table>
            {s.document.openItems.length > 0 ? (
              <Stack gap={4}>
                <Title order={2} size="h5">
                  Open items <Badge color="yellow">{s.document.openItems.length}</Badge>
                </Title>
                <Lines items={s.document.openItems} />
              </Stack>
            ) : null}
            <Accordion multiple variant="separated" defaultValue={s.document.activities.map((a) => a.purposeKey)}>
              {s.document.activities.map((a) => (
                <Accordion.Item key={a.purposeKey} value={a.purposeKey}>
                  <Accordion.Control>
                    {a.name} <Text span size="xs" c="dimmed">({a.purposeKey}, version {a.purposeVersion}{a.active ? '' : ', inactive'})</Text>
                  </Accordion.Control>
                  <Accordion.Panel>
                    <ActivityRecord a={a} />
                  </Accordion.Panel>
                </Accordion.Item>
              ))}
            </Accordion>
            <Title order={2} size="h5">
              Security measures
            </Title>
            <Lines items={s.document.securityMeasures} />
          </>
        ) : null}
      </Stack>
    </>
  );
}
