import { Select } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { pipelinesQueryKey, type Pipeline } from './deals-query.ts';

/**
 * The workspace's pipelines, default first; chooses the default when nothing is chosen yet.
 *
 * @example
 * const pipelines = usePipelines();
 */
export function usePipelines() {
  const { api } = useApi();
  return useQuery({ queryKey: pipelinesQueryKey, queryFn: async () => (await body(api.GET('/api/v1/pipelines'))).items });
}

/** Chooses a pipeline (selects the default one first). */
export function PipelineSelect({ value, onChange }: { value: string | null; onChange: (pipeline: Pipeline) => void }) {
  const pipelines = usePipelines();
  const items = pipelines.data ?? [];
  useEffect(() => {
    const first = items[0];
    if (value === null && first) onChange(first);
  }, [value, items, onChange]);
  return (
    <Select
      label="Pipeline"
      w={240}
      allowDeselect={false}
      data={items.map((p) => ({ value: p.id, label: p.isDefault ? `${p.name} (default)` : p.name }))}
      value={value}
      onChange={(id) => {
        const p = items.find((x) => x.id === id);
        if (p) onChange(p);
      }}
    />
  );
}
