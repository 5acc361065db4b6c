import { Paper, Skeleton, Stack, Title } from '@mantine/core';
import { Suspense } from 'react';
import { recordPanels, type RecordEntity } from './record-panels.ts';
import { useSession } from './session.tsx';

/**
 * The panels features add to a record's detail page (`record-panels.ts`: timeline, tasks, custom fields, deals,
 * consent history…), in order, each loaded in its own `<Suspense>` and shown only with its permission.
 *
 * @example
 * <RecordPanelList entity="deal" recordId={deal.id} />
 */
export function RecordPanelList({ entity, recordId }: { entity: RecordEntity; recordId: string }) {
  const session = useSession();
  const allowed = (permission?: string) => permission === undefined || (session.status === 'signed-in' && session.permissions.has(permission));
  const panels = recordPanels.filter((p) => p.entity === entity && allowed(p.permission)).sort((a, b) => a.order - b.order);
  return (
    <Stack>
      {panels.map((p) => (
        <Paper key={p.key} withBorder p="md" radius="md" component="section" data-testid={`panel-${p.key}`}>
          <Title order={3} size="h4" mb="sm">
            {p.title}
          </Title>
          <Suspense fallback={<Skeleton height={40} />}>
            <p.panel recordId={recordId} />
          </Suspense>
        </Paper>
      ))}
    </Stack>
  );
}
