import { Anchor, Button, Checkbox, Group, Select, Stack, TextInput } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { DealTable } from './deal-table.tsx';
import { dealsQueryKey, type DealFilters } from './deals-query.ts';
import { usePipelines } from './pipeline-select.tsx';
import { ListExport, ListSavedViews } from '../../app/list-tools.tsx';

const sorts: { value: NonNullable<DealFilters['sort']>; label: string }[] = [
  { value: '-createdAt', label: 'Newest first' },
  { value: 'title', label: 'Title' },
  { value: '-amount', label: 'Largest amount' },
  { value: 'expectedCloseDate', label: 'Closing soonest' },
];

/** Every deal as a list, with filters (pipeline, status, close-date range), sorting and paging. */
export function DealsListPage() {
  const { api } = useApi();
  const pipelines = usePipelines();
  const session = useSession();
  const myId = session.status === 'signed-in' ? session.me.id : null;
  const [mine, setMine] = useState(false);
  const [pipelineId, setPipelineId] = useState<string | null>(null);
  const [status, setStatus] = useState<DealFilters['status'] | null>(null);
  const [sort, setSort] = useState<NonNullable<DealFilters['sort']>>('-createdAt');
  const [closeFrom, setCloseFrom] = useState('');
  const [closeTo, setCloseTo] = useState('');
  const filters: DealFilters = {
    sort,
    limit: 50,
    ...(pipelineId ? { pipelineId } : {}),
    ...(status ? { status } : {}),
    ...(closeFrom ? { closeFrom } : {}),
    ...(closeTo ? { closeTo } : {}),
    ...(mine && myId ? { ownerUserId: myId } : {}),
  };
  // Saved views and exports take the filters without the paging and the sort.
  const { sort: _sort, limit: _limit, ...viewFilters } = filters;
  const deals = useInfiniteQuery({
    queryKey: [...dealsQueryKey, 'list', filters],
    queryFn: ({ pageParam }) => body(api.GET('/api/v1/deals', { params: { query: { ...filters, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const stageNames = new Map((pipelines.data ?? []).flatMap((p) => p.stages.map((s) => [s.id, `${s.name}`] as const)));
  const items = deals.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader
        title="Deals list"
        description={
          <Anchor component={Link} to="/deals" size="sm">
            ← Board
          </Anchor>
        }
      />
      <Stack>
        <Group justify="space-between" align="flex-end">
          <ListSavedViews
            entity="deal"
            filters={viewFilters}
            onApply={(view) => {
              const f = view.filters as Partial<Record<'pipelineId' | 'closeFrom' | 'closeTo', string>> & { status?: DealFilters['status'] };
              setPipelineId(f.pipelineId ?? null);
              setStatus(f.status ?? null);
              setCloseFrom(f.closeFrom ?? '');
              setCloseTo(f.closeTo ?? '');
            }}
          />
          <ListExport entity="deal" filters={viewFilters} />
        </Group>
        <Group align="flex-end">
          <Select label="Pipeline" clearable placeholder="All" w={200} data={(pipelines.data ?? []).map((p) => ({ value: p.id, label: p.name }))} value={pipelineId} onChange={setPipelineId} />
          <Select
            label="Status"
            clearable
            placeholder="Any"
            w={140}
            data={[
              { value: 'open', label: 'Open' },
              { value: 'won', label: 'Won' },
              { value: 'lost', label: 'Lost' },
            ]}
            value={status}
            onChange={(v) => setStatus((v as DealFilters['status']) ?? null)}
          />
          <TextInput label="Closing from" type="date" value={closeFrom} onChange={(e) => setCloseFrom(e.currentTarget.value)} />
          <TextInput label="to" type="date" value={closeTo} onChange={(e) => setCloseTo(e.currentTarget.value)} />
          <Checkbox label="Only mine" mb={8} checked={mine} onChange={(e) => setMine(e.currentTarget.checked)} />
          <Select label="Sort" w={180} allowDeselect={false} data={sorts} value={sort} onChange={(v) => v && setSort(v as typeof sort)} />
        </Group>
        <ProblemAlert error={deals.error} />
        {deals.isPending ? <PageLoader /> : <DealTable deals={items} stageNames={stageNames} />}
        {deals.hasNextPage ? (
          <Group>
            <Button variant="default" onClick={() => void deals.fetchNextPage()} loading={deals.isFetchingNextPage}>
              Load more
            </Button>
          </Group>
        ) : null}
      </Stack>
    </>
  );
}
