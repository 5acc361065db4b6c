import { Anchor, Badge, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, Route, Routes } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { TakeModulePage } from './take-module-page.tsx';
import { formatDay, myTrainingQueryKey, statusBadges } from './training-query.ts';

/** "My training" (`/my-training`): the user's assigned modules, and each module to read and take below it. */
export function MyTrainingPage() {
  return (
    <Routes>
      <Route index element={<MyTrainingList />} />
      <Route path=":moduleId" element={<TakeModulePage />} />
    </Routes>
  );
}

function MyTrainingList() {
  const { api } = useApi();
  const mine = useQuery({ queryKey: myTrainingQueryKey, queryFn: () => body(api.GET('/api/v1/training/me')) });
  const items = mine.data?.items ?? [];
  return (
    <>
      <PageHeader
        title="My training"
        description="The modules your role must complete. Read each one, then answer its quiz; you may retry until you pass."
      />
      <Stack>
        <ProblemAlert error={mine.error} />
        {mine.isPending ? (
          <PageLoader />
        ) : items.length === 0 ? (
          <Text>No training is assigned to you.</Text>
        ) : (
          <Table striped verticalSpacing="sm" aria-label="My training">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Module</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Due</Table.Th>
                <Table.Th>Best score</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((a) => (
                <Table.Tr key={a.assignmentId}>
                  <Table.Td>
                    <Anchor component={Link} to={`/my-training/${a.moduleId}`}>
                      {a.title}
                    </Anchor>
                    {a.refresher ? (
                      <Text size="xs" c="dimmed">
                        Refresher
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={statusBadges[a.status].color}>
                      {statusBadges[a.status].label}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{a.status === 'completed' ? `Done ${formatDay(a.completedAt)}` : formatDay(a.dueAt)}</Table.Td>
                  <Table.Td>{a.bestScore === null ? '—' : `${a.bestScore} %`}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </>
  );
}
