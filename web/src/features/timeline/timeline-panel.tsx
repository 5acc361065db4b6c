import { Badge, Button, Group, Stack, Text, Timeline as MantineTimeline, Typography } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { ActivityComposer } from './activity-composer.tsx';
import { kindLabel, timelineQueryKey, type TimelineEntity, type TimelineEntry, type TimelinePage } from './timeline-query.ts';

/** The short facts of an entry that are not personal data: direction, duration, outcome, due date. */
function factsLine(entry: TimelineEntry): string {
  const f = entry.facts ?? {};
  const parts: string[] = [];
  if (f.direction === 'in') parts.push('Incoming');
  if (f.direction === 'out') parts.push('Outgoing');
  if (typeof f.durationMinutes === 'number') parts.push(`${f.durationMinutes} min`);
  if (typeof f.outcome === 'string') parts.push(f.outcome.replace(/_/g, ' '));
  if (typeof f.dueDate === 'string') parts.push(`due ${f.dueDate}${typeof f.dueTime === 'string' ? ` ${f.dueTime} UTC` : ''}`);
  return parts.join(' · ');
}

/** Deletes an activity of the timeline after a confirmation (business or personal content alike). */
function DeleteActivityButton({ activityId, subject, onDeleted }: { activityId: string; subject: string; onDeleted: () => Promise<void> }) {
  const { api } = useApi();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => api.DELETE('/api/v1/activities/{id}', { params: { path: { id: activityId } } }),
    onSuccess: async () => {
      setConfirming(false);
      await onDeleted();
    },
  });
  if (!confirming) {
    return (
      <Button size="compact-xs" variant="subtle" color="gray" aria-label={`Delete: ${subject}`} onClick={() => setConfirming(true)}>
        Delete
      </Button>
    );
  }
  return (
    <Group gap={4}>
      <Button size="compact-xs" color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
        Delete for good
      </Button>
      <Button size="compact-xs" variant="default" onClick={() => setConfirming(false)}>
        Keep
      </Button>
      {remove.error ? <ProblemAlert error={remove.error} /> : null}
    </Group>
  );
}

function EntryItem({ entry, canWrite, onChanged }: { entry: TimelineEntry; canWrite: boolean; onChanged: () => Promise<void> }) {
  const hidden = entry.facts?.hidden === true;
  const activityId = typeof entry.facts?.activityId === 'string' ? entry.facts.activityId : null;
  const overdue = entry.facts?.overdue === true;
  const facts = factsLine(entry);
  return (
    <div data-testid="timeline-entry" data-kind={entry.kind}>
      <Group gap="xs" wrap="nowrap">
        <Badge variant="light" size="sm" miw="max-content">
          {kindLabel(entry.kind)}
        </Badge>
        <Text size="sm" fw={500} c={hidden ? 'dimmed' : undefined}>
          {entry.title}
        </Text>
        {overdue ? (
          <Badge color="red" size="sm" variant="filled">
            Overdue
          </Badge>
        ) : null}
        {canWrite && activityId && !hidden ? <DeleteActivityButton activityId={activityId} subject={entry.title} onDeleted={onChanged} /> : null}
      </Group>
      <Text size="xs" c="dimmed">
        {formatDateTime(entry.at)}
        {facts ? ` · ${facts}` : ''}
      </Text>
      {entry.body && entry.kind.startsWith('activity.') ? (
        <Typography fz="sm" mt={4}>
          {/* Activity bodies were sanitised by the server with a strict allow-list before they were stored (ADR 0012). */}
          <div dangerouslySetInnerHTML={{ __html: entry.body }} />
        </Typography>
      ) : entry.body ? (
        // Other sources' text is shown as text, never as markup.
        <Text size="sm" mt={4} style={{ whiteSpace: 'pre-wrap' }}>
          {entry.body}
        </Text>
      ) : null}
    </div>
  );
}

/**
 * A record's timeline (activities, tasks, changes from every feature, newest first, "Show older" pages on) with the
 * activity composer above it for users who may write. The detail page frames it and gives it its title.
 */
function TimelinePanel({ entity, recordId }: { entity: TimelineEntity; recordId: string }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('crm:write');
  const refresh = () => queryClient.invalidateQueries({ queryKey: timelineQueryKey(entity, recordId) });
  const timeline = useInfiniteQuery({
    queryKey: timelineQueryKey(entity, recordId),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: TimelinePage) => last.nextCursor ?? undefined,
    queryFn: async ({ pageParam }): Promise<TimelinePage> => {
      const query = { limit: 30, ...(pageParam ? { cursor: pageParam } : {}) };
      const path = { path: { id: recordId }, query };
      const call =
        entity === 'person'
          ? api.GET('/api/v1/people/{id}/timeline', { params: path })
          : entity === 'organization'
            ? api.GET('/api/v1/organizations/{id}/timeline', { params: path })
            : api.GET('/api/v1/deals/{id}/timeline', { params: path });
      return (await call).data as TimelinePage;
    },
  });
  const entries = timeline.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack data-testid="timeline-panel">
        {canWrite ? <ActivityComposer entity={entity} recordId={recordId} /> : null}
        <ProblemAlert error={timeline.error} />
        {timeline.isPending ? <PageLoader /> : null}
        {timeline.isSuccess && entries.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nothing on the timeline yet.
          </Text>
        ) : null}
        {entries.length > 0 ? (
          <MantineTimeline bulletSize={12} lineWidth={2}>
            {entries.map((entry) => (
              <MantineTimeline.Item key={entry.id}>
                <EntryItem entry={entry} canWrite={canWrite} onChanged={refresh} />
              </MantineTimeline.Item>
            ))}
          </MantineTimeline>
        ) : null}
        {timeline.hasNextPage ? (
          <Group justify="center">
            <Button variant="subtle" loading={timeline.isFetchingNextPage} onClick={() => void timeline.fetchNextPage()}>
              Show older
            </Button>
          </Group>
        ) : null}
    </Stack>
  );
}

/** The timeline panel of a person's page. */
export function PersonTimelinePanel({ recordId }: { recordId: string }) {
  return <TimelinePanel entity="person" recordId={recordId} />;
}

/** The timeline panel of an organization's page. */
export function OrganizationTimelinePanel({ recordId }: { recordId: string }) {
  return <TimelinePanel entity="organization" recordId={recordId} />;
}

/** The timeline panel of a deal's page. */
export function DealTimelinePanel({ recordId }: { recordId: string }) {
  return <TimelinePanel entity="deal" recordId={recordId} />;
}
