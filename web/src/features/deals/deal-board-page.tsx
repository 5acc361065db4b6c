import { Anchor, Badge, Button, Group, Menu, Paper, ScrollArea, SegmentedControl, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState, type DragEvent, type KeyboardEvent } from 'react';
import { Link } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { CreateDealModal } from './create-deal-modal.tsx';
import { dealsQueryKey, formatMoney, ifMatch, type Board, type Deal, type Pipeline } from './deals-query.ts';
import { PipelineSelect } from './pipeline-select.tsx';

type Column = Board['columns'][number];

/**
 * The kanban board of a pipeline: one column per stage, deals dragged between and within columns (native drag and
 * drop), or moved from the keyboard (arrow keys on a focused card, or its "Move" menu). Each move sends If-Match.
 */
export function DealBoardPage() {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('crm:write');
  const [pipeline, setPipeline] = useState<Pipeline | null>(null);
  const [creating, setCreating] = useState(false);
  const [dragged, setDragged] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [mine, setMine] = useState(false);
  const myId = session.status === 'signed-in' ? session.me.id : null;
  const onPipeline = useCallback((p: Pipeline) => setPipeline(p), []);
  const board = useQuery({
    queryKey: [...dealsQueryKey, 'board', pipeline?.id, mine],
    queryFn: () =>
      body(api.GET('/api/v1/pipelines/{id}/board', { params: { path: { id: pipeline?.id ?? '' }, query: mine && myId ? { ownerUserId: myId } : {} } })),
    enabled: pipeline !== null,
  });
  const move = useMutation({
    mutationFn: ({ deal, stageId, position }: { deal: Deal; stageId: string; position: number }) =>
      body(api.POST('/api/v1/deals/{id}/move', { params: { path: { id: deal.id }, header: ifMatch(deal.version) }, body: { stageId, position } })),
    onSuccess: (deal) => {
      const column = board.data?.columns.find((c) => c.stage.id === deal.stageId);
      setAnnouncement(`${deal.title} moved to ${column?.stage.name ?? 'its stage'}, position ${deal.position + 1}.`);
    },
    onError: () => notifications.show({ color: 'red', message: 'The deal could not be moved; the board was reloaded.' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: dealsQueryKey }),
  });
  const columns = board.data?.columns ?? [];

  const dealById = (id: string) => columns.flatMap((c) => c.deals).find((d) => d.id === id);
  const dropOn = (column: Column, position: number) => (event: DragEvent) => {
    event.preventDefault();
    event.stopPropagation();
    const deal = dealById(event.dataTransfer.getData('text/plain') || dragged || '');
    setDragged(null);
    if (!deal) return;
    // Dropping below its own place in the same column: the deal's removal shifts the others up by one.
    const adjusted = deal.stageId === column.stage.id && deal.position < position ? position - 1 : position;
    if (deal.stageId === column.stage.id && deal.position === adjusted) return;
    move.mutate({ deal, stageId: column.stage.id, position: adjusted });
  };
  const onCardKey = (deal: Deal, columnIndex: number) => (event: KeyboardEvent) => {
    if (!canWrite) return;
    const column = columns[columnIndex];
    if (!column) return;
    let target: { stageId: string; position: number } | null = null;
    if (event.key === 'ArrowLeft' && columnIndex > 0) target = { stageId: columns[columnIndex - 1]!.stage.id, position: columns[columnIndex - 1]!.deals.length };
    if (event.key === 'ArrowRight' && columnIndex < columns.length - 1) target = { stageId: columns[columnIndex + 1]!.stage.id, position: columns[columnIndex + 1]!.deals.length };
    if (event.key === 'ArrowUp' && deal.position > 0) target = { stageId: column.stage.id, position: deal.position - 1 };
    if (event.key === 'ArrowDown' && deal.position < column.deals.length - 1) target = { stageId: column.stage.id, position: deal.position + 1 };
    if (target) {
      event.preventDefault();
      move.mutate({ deal, ...target });
    }
  };

  return (
    <>
      <PageHeader
        title="Deals"
        description={
          <Group gap="md">
            <Text size="sm" c="dimmed">
              Drag a card to another stage, or focus it and use the arrow keys.
            </Text>
            <Anchor component={Link} to="/deals/list" size="sm">
              List view
            </Anchor>
          </Group>
        }
        actions={canWrite ? <Button onClick={() => setCreating(true)}>New deal</Button> : null}
      />
      <Stack>
        <Group align="flex-end">
          <PipelineSelect value={pipeline?.id ?? null} onChange={onPipeline} />
          <SegmentedControl
            aria-label="Whose deals"
            data={[
              { value: 'all', label: 'All deals' },
              { value: 'mine', label: 'My deals' },
            ]}
            value={mine ? 'mine' : 'all'}
            onChange={(v) => setMine(v === 'mine')}
          />
        </Group>
        <ProblemAlert error={board.error ?? move.error} />
        <VisuallyHidden aria-live="polite">{announcement}</VisuallyHidden>
        {board.isPending ? (
          <PageLoader />
        ) : (
          <ScrollArea type="auto">
            <Group align="flex-start" wrap="nowrap" gap="sm" pb="sm" data-testid="deal-board">
              {columns.map((column, columnIndex) => (
                <Paper
                  key={column.stage.id}
                  withBorder
                  p="sm"
                  w={260}
                  miw={260}
                  bg="gray.0"
                  role="region"
                  aria-label={`Stage ${column.stage.name}`}
                  data-stage-id={column.stage.id}
                  onDragOver={(e) => e.preventDefault()}
                  onDrop={dropOn(column, column.deals.length)}
                >
                  <Group justify="space-between" mb={4}>
                    <Title order={2} size="h5">
                      {column.stage.name}
                    </Title>
                    <Badge variant="light" color="gray">
                      {column.count}
                    </Badge>
                  </Group>
                  <Text size="xs" c="dimmed" mb="sm">
                    {column.totals.length === 0 ? 'No amount' : column.totals.map((t) => formatMoney(t.amount, t.currency)).join(' · ')} · {column.stage.probability}%
                  </Text>
                  <Stack gap="xs" mih={60}>
                    {column.deals.map((deal) => (
                      <Paper
                        key={deal.id}
                        withBorder
                        p="xs"
                        shadow={dragged === deal.id ? 'md' : undefined}
                        draggable={canWrite}
                        tabIndex={0}
                        aria-label={`${deal.title}, ${formatMoney(deal.amount, deal.currency)}`}
                        data-deal-id={deal.id}
                        onDragStart={(e) => {
                          e.dataTransfer.setData('text/plain', deal.id);
                          e.dataTransfer.effectAllowed = 'move';
                          setDragged(deal.id);
                        }}
                        onDragEnd={() => setDragged(null)}
                        onDragOver={(e) => e.preventDefault()}
                        onDrop={dropOn(column, deal.position)}
                        onKeyDown={onCardKey(deal, columnIndex)}
                        style={{ cursor: canWrite ? 'grab' : undefined }}
                      >
                        <Group justify="space-between" wrap="nowrap" gap={4}>
                          <Anchor component={Link} to={`/deals/${deal.id}`} size="sm" fw={500} draggable={false}>
                            {deal.title}
                          </Anchor>
                          {canWrite ? (
                            <Menu position="bottom-end" withinPortal>
                              <Menu.Target>
                                <Button size="compact-xs" variant="subtle" aria-label={`Move ${deal.title}`} style={{ flexShrink: 0 }}>
                                  Move
                                </Button>
                              </Menu.Target>
                              <Menu.Dropdown>
                                {columns
                                  .filter((c) => c.stage.id !== deal.stageId)
                                  .map((c) => (
                                    <Menu.Item key={c.stage.id} onClick={() => move.mutate({ deal, stageId: c.stage.id, position: c.deals.length })}>
                                      {c.stage.name}
                                    </Menu.Item>
                                  ))}
                              </Menu.Dropdown>
                            </Menu>
                          ) : null}
                        </Group>
                        <Text size="xs" c="dimmed">
                          {formatMoney(deal.amount, deal.currency)}
                          {deal.expectedCloseDate ? ` · closes ${deal.expectedCloseDate}` : ''}
                        </Text>
                      </Paper>
                    ))}
                  </Stack>
                </Paper>
              ))}
            </Group>
          </ScrollArea>
        )}
      </Stack>
      <CreateDealModal opened={creating} onClose={() => setCreating(false)} pipeline={pipeline} />
    </>
  );
}
