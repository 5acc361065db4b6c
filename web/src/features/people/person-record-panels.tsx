import { Paper, Skeleton, Stack, Title } from '@mantine/core';
import { Suspense } from 'react';
import { recordPanels } from '../../app/record-panels.ts';
import { useSession } from '../../app/session.tsx';

/**
 * The panels other features add to a person's page (`web/src/app/record-panels.ts`: timeline, tasks, custom fields,
 * deals…), in order, each loaded in its own `<Suspense>` and shown only with its permission.
 *
 * @example
 * <PersonRecordPanels personId={person.id} />
 */
export function PersonRecordPanels({ personId }: { personId: string }) {
  const session = useSession();
  const allowed = (permission?: string) => permission === undefined || (session.status === 'signed-in' && session.permissions.has(permission));
  const panels = recordPanels.filter((p) => p.entity === 'person' && allowed(p.permission)).sort((a, b) => a.order - b.order);
  return (
    <Stack>
      {panels.map((p) => (
        <Paper key={p.key} withBorder p="md" radius="md" component="section" data-testid={`panel-${p.key}`}>
          <Title order={3} size="h4" mb="sm">
            {p.title}
          </Title>
          <Suspense fallback={<Skeleton height={40} />}>
            <p.panel recordId={personId} />
          </Suspense>
        </Paper>
      ))}
    </Stack>
  );
}
