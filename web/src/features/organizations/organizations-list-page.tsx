import { Anchor, Button, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { OrganizationFormModal } from './organization-form-modal.tsx';
import { addressLine, organizationsQueryKey, sizeBands, type SizeBand } from './organizations-query.ts';
import { ListExport, ListSavedViews } from '../../app/list-tools.tsx';

/** Organizations: search by name prefix, filter by size and country, sort, page. */
export function OrganizationsListPage() {
  const { api } = useApi();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('crm:write');
  const [creating, setCreating] = useState(false);
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [sizeBand, setSizeBand] = useState<SizeBand | null>(null);
  const [country, setCountry] = useState('');
  const [sort, setSort] = useState<'name' | '-createdAt'>('name');
  const query = { limit: 50, sort, ...(q ? { q } : {}), ...(sizeBand ? { sizeBand } : {}), ...(/^[A-Za-z]{2}$/.test(country) ? { country } : {}) };
  // Saved views and exports take the filters the API of views knows (not the name prefix).
  const viewFilters = { ...(sizeBand ? { sizeBand } : {}), ...(/^[A-Za-z]{2}$/.test(country) ? { country: country.toUpperCase() } : {}) };
  const organizations = useInfiniteQuery({
    queryKey: [...organizationsQueryKey, 'list', query],
    queryFn: ({ pageParam }) => body(api.GET('/api/v1/organizations', { params: { query: { ...query, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = organizations.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader
        title="Organizations"
        description="Companies and other bodies you do business with."
        actions={canWrite ? <Button onClick={() => setCreating(true)}>New organization</Button> : null}
      />
      <Stack>
        <Group justify="space-between" align="flex-end">
          <ListSavedViews
            entity="organization"
            filters={viewFilters}
            onApply={(view) => {
              const f = view.filters as { sizeBand?: SizeBand; country?: string };
              setSizeBand(f.sizeBand ?? null);
              setCountry(f.country ?? '');
            }}
          />
          <ListExport entity="organization" filters={viewFilters} />
        </Group>
        <Group align="flex-end">
          <TextInput label="Name starts with" value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
          <Select label="Size" clearable placeholder="Any" w={140} data={[...sizeBands]} value={sizeBand} onChange={(v) => setSizeBand(v as SizeBand | null)} />
          <TextInput label="Country" placeholder="FR" w={90} maxLength={2} value={country} onChange={(e) => setCountry(e.currentTarget.value)} />
          <Select
            label="Sort"
            w={160}
            allowDeselect={false}
            data={[
              { value: 'name', label: 'Name' },
              { value: '-createdAt', label: 'Newest first' },
            ]}
            value={sort}
            onChange={(v) => v && setSort(v as typeof sort)}
          />
        </Group>
        <ProblemAlert error={organizations.error} />
        {organizations.isPending ? (
          <PageLoader />
        ) : items.length === 0 ? (
          <Text>No organizations.</Text>
        ) : (
          <Table.ScrollContainer minWidth={700}>
            <Table striped highlightOnHover verticalSpacing="sm" aria-label="Organizations">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Domain</Table.Th>
                  <Table.Th>Industry</Table.Th>
                  <Table.Th>Size</Table.Th>
                  <Table.Th>Address</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((o) => (
                  <Table.Tr key={o.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/organizations/${o.id}`} fw={500}>
                        {o.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{o.domain ?? '—'}</Table.Td>
                    <Table.Td>{o.industry ?? '—'}</Table.Td>
                    <Table.Td>{o.sizeBand ?? '—'}</Table.Td>
                    <Table.Td>{addressLine(o.address)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {organizations.hasNextPage ? (
          <Group>
            <Button variant="default" onClick={() => void organizations.fetchNextPage()} loading={organizations.isFetchingNextPage}>
              Load more
            </Button>
          </Group>
        ) : null}
      </Stack>
      <OrganizationFormModal opened={creating} onClose={() => setCreating(false)} />
    </>
  );
}
