import { Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';

export type ExportEntity = 'person' | 'organization' | 'deal';

/** Saves a blob as a download. */
function download(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * An "Export" button for list pages: asks for the format and the purpose, then downloads the list (with its
 * filters) as CSV or JSON. People exports need `people:export`; the server checks the purpose and audits them.
 *
 * @example
 * <ExportButton entity="deal" filters={{ status: 'open' }} />
 */
export function ExportButton({ entity, filters = {} }: { entity: ExportEntity; filters?: Record<string, unknown> }) {
  const { api } = useApi();
  const session = useSession();
  const permission = entity === 'person' ? 'people:export' : 'crm:read';
  const [opened, setOpened] = useState(false);
  const [format, setFormat] = useState<'csv' | 'json'>('csv');
  const [purpose, setPurpose] = useState<string | null>(session.status === 'signed-in' ? 'crm' : null);
  const purposes = useQuery({ queryKey: ['purposes'], queryFn: () => body(api.GET('/api/v1/purposes')), enabled: opened });
  const run = useMutation({
    mutationFn: async () => {
      const { data } = await api.POST('/api/v1/exports', { body: { entity, format, purpose: purpose ?? '', filters }, parseAs: 'blob' });
      return data as Blob;
    },
    onSuccess: (blob) => {
      download(blob, `${entity}-export.${format}`);
      setOpened(false);
    },
  });
  if (session.status !== 'signed-in' || !session.permissions.has(permission)) return null;
  return (
    <>
      <Button variant="default" onClick={() => setOpened(true)}>
        Export
      </Button>
      <Modal opened={opened} onClose={() => setOpened(false)} title="Export this list">
        <Stack>
          <Select label="Format" data={[{ value: 'csv', label: 'CSV (spreadsheets)' }, { value: 'json', label: 'JSON' }]} value={format} onChange={(v) => setFormat(v === 'json' ? 'json' : 'csv')} allowDeselect={false} />
          <Select
            label="Purpose of the export"
            description="Checked against each person's standing and recorded in the audit log"
            data={(purposes.data?.items ?? []).filter((p) => p.active).map((p) => ({ value: p.key, label: p.name }))}
            value={purpose}
            onChange={setPurpose}
            allowDeselect={false}
          />
          {entity === 'person' ? (
            <Text size="sm" c="dimmed">
              People who objected to this purpose or restricted processing are left out.
            </Text>
          ) : null}
          <ProblemAlert error={run.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpened(false)}>
              Cancel
            </Button>
            <Button onClick={() => run.mutate()} loading={run.isPending} disabled={!purpose}>
              Download
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
