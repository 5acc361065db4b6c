import { Anchor, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { CreatePersonModal } from './create-person-modal.tsx';
import { displayName, peopleQueryKey, purposeHeaders, withAppliedPurpose } from './people-query.ts';
import { PurposeSelector } from './purpose-selector.tsx';

/** The people the workspace holds data about, read under the chosen purpose. */
export function PeopleListPage({
  purpose,
  onPurposeChange,
}: {
  purpose: string | null;
  onPurposeChange: (purpose: string | null) => void;
}) {
  const { api } = useApi();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('people:write');
  const [creating, setCreating] = useState(false);
  const people = useInfiniteQuery({
    queryKey: [...peopleQueryKey, 'list', purpose],
    queryFn: ({ pageParam }) =>
      withAppliedPurpose(
        api.GET('/api/v1/people', {
          params: { query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
          headers: purposeHeaders(purpose),
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.data.nextCursor ?? undefined,
  });
  const items = people.data?.pages.flatMap((p) => p.data.items) ?? [];
  const applied = people.data?.pages.at(-1)?.appliedPurpose;

  return (
    <>
      <PageHeader
        title="People"
        description="The people whose personal data the workspace holds. Every value is encrypted under the person’s own key and read only for a purpose."
        actions={canWrite ? <Button onClick={() => setCreating(true)}>New person</Button> : null}
      />
      <Stack>
        <PurposeSelector value={purpose} onChange={onPurposeChange} applied={applied} />
        <ProblemAlert error={people.error} />
        {people.isPending ? (
          <PageLoader />
        ) : people.isError ? null : items.length === 0 ? (
          <Text>No people yet.</Text>
        ) : (
          <Table.ScrollContainer minWidth={700}>
            <Table striped highlightOnHover verticalSpacing="sm" aria-label="People">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Phone</Table.Th>
                  <Table.Th>Added</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((person) => (
                  <Table.Tr key={person.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/people/${person.id}`} fw={500}>
                        {displayName(person)}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{person.email ?? '—'}</Table.Td>
                    <Table.Td>{person.phone ?? '—'}</Table.Td>
                    <Table.Td>{formatDateTime(person.createdAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {people.hasNextPage ? (
          <Group>
            <Button
              variant="default"
              onClick={() => void people.fetchNextPage()}
              loading={people.isFetchingNextPage}
            >
              Load more
            </Button>
          </Group>
        ) : null}
      </Stack>
      <CreatePersonModal opened={creating} onClose={() => setCreating(false)} purpose={purpose} />
    </>
  );
}
