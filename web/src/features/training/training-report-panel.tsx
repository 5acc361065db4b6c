import { Anchor, Badge, Group, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { formatDay, statusBadges, trainingQueryKey } from './training-query.ts';

/** Completion per module and role, then each person's assignments (or only the overdue ones), with a CSV export. */
export function TrainingReportPanel() {
  const { api } = useApi();
  const [overdueOnly, setOverdueOnly] = useState(false);
  const completion = useQuery({ queryKey: [...trainingQueryKey, 'completion'], queryFn: () => body(api.GET('/api/v1/training/reports/completion')) });
  const people = useQuery({
    queryKey: [...trainingQueryKey, 'people', overdueOnly],
    queryFn: () => body(api.GET('/api/v1/training/reports/people', { params: { query: overdueOnly ? { overdue: true } : {} } })),
  });

  return (
    <Stack>
      <Title order={2} size="h4">
        Completion per module and role
      </Title>
      <ProblemAlert error={completion.error} />
      {completion.isPending ? (
        <PageLoader />
      ) : (completion.data?.items ?? []).length === 0 ? (
        <Text size="sm">Nothing assigned yet.</Text>
      ) : (
        <Table striped aria-label="Completion per module and role">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Module</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Assigned</Table.Th>
              <Table.Th>Completed</Table.Th>
              <Table.Th>Overdue</Table.Th>
              <Table.Th>Rate</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {completion.data?.items.map((c) => (
              <Table.Tr key={`${c.moduleId}:${c.roleKey}`}>
                <Table.Td>{c.moduleTitle}</Table.Td>
                <Table.Td>{c.roleKey}</Table.Td>
                <Table.Td>{c.assigned}</Table.Td>
                <Table.Td>{c.completed}</Table.Td>
                <Table.Td>{c.overdue}</Table.Td>
                <Table.Td>{c.completionRate} %</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group justify="space-between" mt="md">
        <Title order={2} size="h4">
          People
        </Title>
        <Group>
          <Switch label="Overdue only" checked={overdueOnly} onChange={(e) => setOverdueOnly(e.currentTarget.checked)} />
          <Anchor href="/api/v1/training/reports/people.csv" download>
            Export CSV
          </Anchor>
        </Group>
      </Group>
      <ProblemAlert error={people.error} />
      {people.isPending ? (
        <PageLoader />
      ) : (people.data?.items ?? []).length === 0 ? (
        <Text size="sm">{overdueOnly ? 'Nobody is overdue.' : 'Nobody has training assigned.'}</Text>
      ) : (
        <Table striped aria-label="Training per person">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Person</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Module</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Due</Table.Th>
              <Table.Th>Best score</Table.Th>
              <Table.Th>Attempts</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {people.data?.items.map((p) => (
              <Table.Tr key={`${p.userId}:${p.moduleId}`}>
                <Table.Td>
                  <Text size="sm">{p.name}</Text>
                  <Text size="xs" c="dimmed">
                    {p.email}
                  </Text>
                </Table.Td>
                <Table.Td>{p.roleKey}</Table.Td>
                <Table.Td>{p.moduleTitle}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={statusBadges[p.status].color}>
                    {statusBadges[p.status].label}
                  </Badge>
                </Table.Td>
                <Table.Td>{formatDay(p.dueAt)}</Table.Td>
                <Table.Td>{p.bestScore === null ? '—' : `${p.bestScore} %`}</Table.Td>
                <Table.Td>{p.attempts}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
