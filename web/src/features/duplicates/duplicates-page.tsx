import { Badge, Button, Group, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { MergePeopleModal } from './merge-people-modal.tsx';

const reasonLabels: Record<string, string> = { email: 'same email', phone: 'same phone', name_in_organization: 'same name, same organization' };
const purpose = 'crm';

/** Pairs of people who share an email or a phone, for staff to compare and merge. */
export function DuplicatesPage() {
  const { api } = useApi();
  const session = useSession();
  const canMerge = session.status === 'signed-in' && session.permissions.has('people:write');
  const [comparing, setComparing] = useState<[string, string] | null>(null);
  const [by, setBy] = useState<'contact' | 'name'>('contact');
  const pairs = useInfiniteQuery({
    queryKey: ['people', 'duplicates', by],
    queryFn: ({ pageParam }) =>
      body(api.GET('/api/v1/people/duplicates', { params: { query: { by, limit: 25, ...(pageParam ? { cursor: pageParam } : {}) } }, headers: { 'Custodian-Purpose': purpose } })),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = pairs.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader title="Possible duplicates" description="People who share an email or a phone (found through the blind index, confirmed by decryption), or the same name in the same organization. Compare them side by side and merge." />
      <Stack>
        <SegmentedControl
          aria-label="Found by"
          w="max-content"
          data={[
            { value: 'contact', label: 'Same email or phone' },
            { value: 'name', label: 'Same name in an organization' },
          ]}
          value={by}
          onChange={(v) => setBy(v as typeof by)}
        />
        <ProblemAlert error={pairs.error} />
        {pairs.isPending ? (
          <PageLoader />
        ) : items.length === 0 && !pairs.isError ? (
          <Text>No possible duplicates.</Text>
        ) : (
          <Table aria-label="Possible duplicates" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>People (pseudonyms)</Table.Th>
                <Table.Th>Why</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((pair) => (
                <Table.Tr key={`${pair.a.id}|${pair.b.id}`}>
                  <Table.Td>
                    <code>{pair.a.pseudonym}</code> · <code>{pair.b.pseudonym}</code>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {pair.reasons.map((r) => (
                        <Badge key={r} variant="light">{reasonLabels[r] ?? r}</Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {canMerge ? <Button size="xs" variant="light" onClick={() => setComparing([pair.a.id, pair.b.id])}>Compare and merge</Button> : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {pairs.hasNextPage ? (
          <Group>
            <Button variant="default" onClick={() => void pairs.fetchNextPage()} loading={pairs.isFetchingNextPage}>Load more</Button>
          </Group>
        ) : null}
      </Stack>
      {comparing ? (
        <MergePeopleModal
          ids={comparing}
          purpose={purpose}
          onClose={() => setComparing(null)}
          onMerged={() => {
            setComparing(null);
            void pairs.refetch();
          }}
        />
      ) : null}
    </>
  );
}
