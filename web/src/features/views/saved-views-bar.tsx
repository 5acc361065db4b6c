import { Button, Checkbox, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import type { Success } from '../../api/api-types.ts';
import { ProblemAlert } from '../../app/problem-alert.tsx';

export type SavedView = Success<'/api/v1/views/{id}', 'get'>;
type ViewEntity = SavedView['entity'];

const viewsKey = ['views'] as const;

/**
 * A bar for list pages: pick a saved view (mine or shared) to apply its filters, or save the current filters as a
 * view. The server checks the filters per entity.
 *
 * @example
 * <SavedViewsBar entity="deal" filters={filters} onApply={(view) => setFilters(view.filters)} />
 */
export function SavedViewsBar({ entity, filters, onApply }: { entity: ViewEntity; filters: Record<string, unknown>; onApply: (view: SavedView) => void }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const [saving, setSaving] = useState(false);
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const views = useQuery({ queryKey: [...viewsKey, entity], queryFn: () => body(api.GET('/api/v1/views', { params: { query: { entity } } })) });
  const save = useMutation({
    mutationFn: () => body(api.POST('/api/v1/views', { body: { entity, name: name.trim(), filters, shared } })),
    onSuccess: async (view) => {
      setSaving(false);
      setName('');
      setSelected(view.id);
      await queryClient.invalidateQueries({ queryKey: viewsKey });
    },
  });
  const items = views.data?.items ?? [];
  return (
    <Group align="flex-end" gap="xs">
      <Select
        label="Saved view"
        placeholder="All"
        data={items.map((v) => ({ value: v.id, label: v.shared ? `${v.name} (shared)` : v.name }))}
        value={selected}
        clearable
        onChange={(id) => {
          setSelected(id);
          const view = items.find((v) => v.id === id);
          if (view) onApply(view);
        }}
        maw={260}
      />
      <Button variant="default" onClick={() => setSaving(true)}>
        Save view
      </Button>
      <Modal opened={saving} onClose={() => setSaving(false)} title="Save this view">
        <Stack>
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} required />
          <Checkbox label="Share with the team" checked={shared} onChange={(e) => setShared(e.currentTarget.checked)} />
          <ProblemAlert error={save.error} />
          <Group justify="flex-end">
            <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!name.trim()}>
              Save
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Group>
  );
}
