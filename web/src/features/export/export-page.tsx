import { SegmentedControl, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { PageHeader } from '../../app/page-header.tsx';
import { useSession } from '../../app/session.tsx';
import { ExportButton, type ExportEntity } from './export-button.tsx';

/** Exports of whole lists: people (with `people:export`), organizations and deals. */
export function ExportPage() {
  const session = useSession();
  const [entity, setEntity] = useState<ExportEntity>('organization');
  const canPeople = session.status === 'signed-in' && session.permissions.has('people:export');
  const entities = [
    ...(canPeople ? [{ value: 'person', label: 'People' }] : []),
    { value: 'organization', label: 'Organizations' },
    { value: 'deal', label: 'Deals' },
  ];
  return (
    <>
      <PageHeader
        title="Export"
        description="Download a list as CSV or JSON. Every export is purpose-checked and audited; spreadsheet formulas in cells are neutralised."
      />
      <Stack align="flex-start">
        <SegmentedControl data={entities} value={entity} onChange={(v) => setEntity(v as ExportEntity)} aria-label="What to export" />
        <Text size="sm" c="dimmed">
          The list pages export what they show, with their filters.
        </Text>
        <ExportButton entity={entity} />
      </Stack>
    </>
  );
}
