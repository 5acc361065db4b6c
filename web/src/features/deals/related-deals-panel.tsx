import { useQuery } from '@tanstack/react-query';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { DealTable } from './deal-table.tsx';
import { dealsQueryKey } from './deals-query.ts';
import { usePipelines } from './pipeline-select.tsx';

function RelatedDeals({ filter }: { filter: { personId: string } | { organizationId: string } }) {
  const { api } = useApi();
  const pipelines = usePipelines();
  const deals = useQuery({
    queryKey: [...dealsQueryKey, 'related', filter],
    queryFn: () => body(api.GET('/api/v1/deals', { params: { query: { ...filter, limit: 100 } } })),
  });
  const stageNames = new Map((pipelines.data ?? []).flatMap((p) => p.stages.map((s) => [s.id, s.name] as const)));
  if (deals.isPending) return <PageLoader />;
  return (
    <>
      <ProblemAlert error={deals.error} />
      {deals.data ? <DealTable deals={deals.data.items} stageNames={stageNames} label="Related deals" /> : null}
    </>
  );
}

/** Record panel "Deals" of a person: the deals linking them (the server runs the gate on that read). */
export function PersonDealsPanel({ recordId }: { recordId: string }) {
  return <RelatedDeals filter={{ personId: recordId }} />;
}

/** Record panel "Deals" of an organization. */
export function OrganizationDealsPanel({ recordId }: { recordId: string }) {
  return <RelatedDeals filter={{ organizationId: recordId }} />;
}
