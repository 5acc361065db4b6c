import { Anchor, Badge, Button, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { CreatePersonModal } from './create-person-modal.tsx';
import { displayName, lifecycleStageLabels, peopleQueryKey, purposeHeaders, withAppliedPurpose, type LifecycleStage, type Person } from './people-query.ts';
import { PurposeSelector } from './purpose-selector.tsx';
import { ListExport, ListSavedViews } from '../../app/list-tools.tsx';

const sorts = {
  'createdAt:desc': 'Newest first',
  'createdAt:asc': 'Oldest first',
  'updatedAt:desc': 'Recently changed',
  'updatedAt:asc': 'Least recently changed',
} as const;
type SortKey = keyof typeof sorts;

interface Filters {
  lifecycleStage: LifecycleStage | null;
  tag: string;
  mine: boolean;
  createdFrom: string;
  createdTo: string;
}

const noFilters: Filters = { lifecycleStage: null, tag: '', mine: false, createdFrom: '', createdTo: '' };

function PeopleTable({ items }: { items: readonly Person[] }) {
  return (
    <Table.ScrollContainer minWidth={800}>
      <Table striped highlightOnHover verticalSpacing="sm" aria-label="People">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Phone</Table.Th>
            <Table.Th>Stage</Table.Th>
            <Table.Th>Tags</Table.Th>
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
              <Table.Td>{person.lifecycleStage ? lifecycleStageLabels[person.lifecycleStage] : '—'}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {person.tags.map((t) => (
                    <Badge key={t} size="sm" variant="outline">
                      {t}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>{formatDateTime(person.createdAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/**
 * The people the workspace holds data about, read under the chosen purpose: filters (stage, tag, mine, creation
 * dates), sort by creation or change, "load more" pages, and a name search (sent in a request body, never in the URL).
 */
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
  const myId = session.status === 'signed-in' ? session.me.id : null;
  const [creating, setCreating] = useState(false);
  const [filters, setFilters] = useState<Filters>(noFilters);
  const [sort, setSort] = useState<SortKey>('createdAt:desc');
  const [searchText, setSearchText] = useState('');
  const [search, setSearch] = useState('');
  const [field, order] = sort.split(':') as ['createdAt' | 'updatedAt', 'asc' | 'desc'];
  const instant = (date: string) => (date ? new Date(`${date}T00:00:00`).toISOString() : undefined);
  const query = {
    limit: 50,
    sort: field,
    order,
    ...(filters.lifecycleStage ? { lifecycleStage: filters.lifecycleStage } : {}),
    ...(filters.tag.trim() ? { tag: filters.tag.trim().toLowerCase() } : {}),
    ...(filters.mine && myId ? { ownerUserId: myId } : {}),
    ...(filters.createdFrom ? { createdFrom: instant(filters.createdFrom) } : {}),
    ...(filters.createdTo ? { createdTo: instant(filters.createdTo) } : {}),
  };
  // Saved views and exports: the list's filters, dates as days ("added before D" is "created up to the day before D").
  const dayShift = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  const viewFilters = {
    ...(filters.lifecycleStage ? { lifecycleStage: filters.lifecycleStage } : {}),
    ...(filters.tag.trim() ? { tag: filters.tag.trim().toLowerCase() } : {}),
    ...(filters.mine && myId ? { ownerUserId: myId } : {}),
    ...(filters.createdFrom ? { createdFrom: filters.createdFrom } : {}),
    ...(filters.createdTo ? { createdTo: dayShift(filters.createdTo, -1) } : {}),
  };
  const people = useInfiniteQuery({
    queryKey: [...peopleQueryKey, 'list', purpose, query],
    queryFn: ({ pageParam }) =>
      withAppliedPurpose(
        api.GET('/api/v1/people', {
          params: { query: { ...query, ...(pageParam ? { cursor: pageParam } : {}) } },
          headers: purposeHeaders(purpose),
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.data.nextCursor ?? undefined,
    enabled: search === '',
  });
  const found = useQuery({
    queryKey: [...peopleQueryKey, 'list', 'search', purpose, search],
    queryFn: () => withAppliedPurpose(api.POST('/api/v1/people/search', { body: { query: search, limit: 50 }, headers: purposeHeaders(purpose) })),
    enabled: search !== '',
  });
  const searching = search !== '';
  const filtered = JSON.stringify(filters) !== JSON.stringify(noFilters);
  const items = searching ? (found.data?.data.items ?? []) : (people.data?.pages.flatMap((p) => p.data.items) ?? []);
  const applied = searching ? found.data?.appliedPurpose : people.data?.pages.at(-1)?.appliedPurpose;
  const pending = searching ? found.isPending : people.isPending;
  const error = searching ? found.error : people.error;

  return (
    <>
      <PageHeader
        title="People"
        description="The people whose personal data the workspace holds. Every value is encrypted under the person’s own key and read only for a purpose."
        actions={canWrite ? <Button onClick={() => setCreating(true)}>New person</Button> : null}
      />
      <Stack>
        <PurposeSelector value={purpose} onChange={onPurposeChange} applied={applied} />
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setSearch(searchText.trim());
          }}
        >
          <Group align="flex-end">
            <TextInput
              label="Search by name"
              description="Beginning of a first or last name, 3 letters or more"
              value={searchText}
              onChange={(e) => setSearchText(e.currentTarget.value)}
              maxLength={200}
              style={{ flex: 1 }}
            />
            <Button type="submit" variant="default">
              Search
            </Button>
            {searching ? (
              <Button
                variant="subtle"
                onClick={() => {
                  setSearch('');
                  setSearchText('');
                }}
              >
                Show the list
              </Button>
            ) : null}
          </Group>
        </form>
        {searching ? null : (
          <Group justify="space-between" align="flex-end">
            <ListSavedViews
              entity="person"
              filters={viewFilters}
              onApply={(view) => {
                const f = view.filters as { lifecycleStage?: LifecycleStage; tag?: string; ownerUserId?: string; createdFrom?: string; createdTo?: string };
                setFilters({ lifecycleStage: f.lifecycleStage ?? null, tag: f.tag ?? '', mine: f.ownerUserId !== undefined && f.ownerUserId === myId, createdFrom: f.createdFrom ?? '', createdTo: f.createdTo ? dayShift(f.createdTo, 1) : '' });
              }}
            />
            <ListExport entity="person" filters={viewFilters} />
          </Group>
        )}
        {searching ? null : (
          <Group align="flex-end" gap="sm" aria-label="Filters" role="group">
            <Select
              label="Stage"
              placeholder="Any"
              clearable
              w={170}
              data={Object.entries(lifecycleStageLabels).map(([value, label]) => ({ value, label }))}
              value={filters.lifecycleStage}
              onChange={(v) => setFilters({ ...filters, lifecycleStage: v as LifecycleStage | null })}
            />
            <TextInput label="Tag" w={150} maxLength={50} value={filters.tag} onChange={(e) => setFilters({ ...filters, tag: e.currentTarget.value })} />
            <Select
              label="Owner"
              w={150}
              allowDeselect={false}
              data={[
                { value: 'any', label: 'Anyone' },
                { value: 'mine', label: 'Mine' },
              ]}
              value={filters.mine ? 'mine' : 'any'}
              onChange={(v) => setFilters({ ...filters, mine: v === 'mine' })}
            />
            <TextInput label="Added from" type="date" w={160} value={filters.createdFrom} onChange={(e) => setFilters({ ...filters, createdFrom: e.currentTarget.value })} />
            <TextInput label="Added before" type="date" w={160} value={filters.createdTo} onChange={(e) => setFilters({ ...filters, createdTo: e.currentTarget.value })} />
            <Select
              label="Sort"
              w={200}
              allowDeselect={false}
              data={Object.entries(sorts).map(([value, label]) => ({ value, label }))}
              value={sort}
              onChange={(v) => setSort((v ?? 'createdAt:desc') as SortKey)}
            />
            {filtered ? (
              <Button variant="subtle" onClick={() => setFilters(noFilters)}>
                Clear filters
              </Button>
            ) : null}
          </Group>
        )}
        <ProblemAlert error={error} />
        {pending ? <PageLoader /> : error ? null : items.length === 0 ? <Text>{searching ? 'Nobody by that name.' : filtered ? 'No people match these filters.' : 'No people yet.'}</Text> : <PeopleTable items={items} />}
        {!searching && people.hasNextPage ? (
          <Group>
            <Button variant="default" onClick={() => void people.fetchNextPage()} loading={people.isFetchingNextPage}>
              Load more
            </Button>
          </Group>
        ) : null}
      </Stack>
      <CreatePersonModal opened={creating} onClose={() => setCreating(false)} purpose={purpose} />
    </>
  );
}
