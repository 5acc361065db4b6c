import { Button, Group, NumberInput, Paper, SegmentedControl, Select, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { RichTextEditor } from './rich-text-editor.tsx';
import { activityTypeLabels, localInputValue, timelineQueryKey, type ActivityType, type NewActivity, type TimelineEntity } from './timeline-query.ts';

type Outcome = NonNullable<NewActivity['outcome']>;

const outcomeLabels: Record<Outcome, string> = {
  connected: 'Connected',
  no_answer: 'No answer',
  left_message: 'Left a message',
  busy: 'Busy',
  wrong_number: 'Wrong number',
  held: 'Held',
  rescheduled: 'Rescheduled',
  cancelled: 'Cancelled',
  sent: 'Sent',
  replied: 'Replied',
};

/**
 * Logs an activity on the record it is shown on (that record is its first link, so on a person's page the person is
 * the activity's key person — ADR 0012): type, subject, rich-text notes, when, and where they apply the direction, duration and outcome.
 *
 * @example
 * <ActivityComposer entity="person" recordId={id} />
 */
export function ActivityComposer({ entity, recordId }: { entity: TimelineEntity; recordId: string }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const [type, setType] = useState<ActivityType>('note');
  const [subject, setSubject] = useState('');
  const [html, setHtml] = useState('');
  const [occurredAt, setOccurredAt] = useState(() => localInputValue(new Date()));
  const [direction, setDirection] = useState<'in' | 'out'>('out');
  const [duration, setDuration] = useState<number | string>('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [sent, setSent] = useState(0);
  const log = useMutation({
    mutationFn: () => {
      const request: NewActivity = {
        type,
        subject: subject.trim(),
        body: html.trim() === '' ? null : html,
        occurredAt: new Date(occurredAt).toISOString(),
        links: [{ entity, id: recordId }],
        ...(type === 'call' || type === 'email' ? { direction } : {}),
        ...(typeof duration === 'number' ? { durationMinutes: duration } : {}),
        ...(outcome && type !== 'note' ? { outcome } : {}),
      };
      return body(api.POST('/api/v1/activities', { body: request }));
    },
    onSuccess: async () => {
      notifications.show({ color: 'green', message: `${activityTypeLabels[type]} logged.` });
      setSubject('');
      setHtml('');
      setDuration('');
      setOutcome(null);
      setSent((n) => n + 1);
      log.reset();
      await queryClient.invalidateQueries({ queryKey: timelineQueryKey(entity, recordId) });
    },
  });
  const validTime = !Number.isNaN(new Date(occurredAt).getTime());
  return (
    <Paper withBorder p="sm" radius="md" component="form" aria-label="Log an activity" onSubmit={(e) => { e.preventDefault(); log.mutate(); }}>
      <Stack gap="xs">
        <ProblemAlert error={log.error} />
        <SegmentedControl
          aria-label="Activity type"
          value={type}
          onChange={(v) => setType(v as ActivityType)}
          data={(Object.keys(activityTypeLabels) as ActivityType[]).map((t) => ({ value: t, label: activityTypeLabels[t] }))}
        />
        <TextInput label="Subject" required maxLength={300} value={subject} onChange={(e) => setSubject(e.currentTarget.value)} />
        <RichTextEditor label="Notes" onChange={setHtml} resetKey={sent} />
        <Group grow align="flex-end">
          <TextInput label="When" type="datetime-local" required value={occurredAt} onChange={(e) => setOccurredAt(e.currentTarget.value)} />
          {type === 'call' || type === 'email' ? (
            <Select label="Direction" allowDeselect={false} value={direction} onChange={(v) => setDirection(v === 'in' ? 'in' : 'out')} data={[{ value: 'out', label: 'Outgoing' }, { value: 'in', label: 'Incoming' }]} />
          ) : null}
          {type === 'call' || type === 'meeting' ? (
            <NumberInput label="Minutes" min={0} max={1440} value={duration} onChange={setDuration} />
          ) : null}
          {type !== 'note' ? (
            <Select
              label="Outcome"
              clearable
              value={outcome}
              onChange={(v) => setOutcome(v as Outcome | null)}
              data={(Object.keys(outcomeLabels) as Outcome[]).map((o) => ({ value: o, label: outcomeLabels[o] }))}
            />
          ) : null}
        </Group>
        <Group justify="flex-end">
          <Button type="submit" loading={log.isPending} disabled={subject.trim() === '' || !validTime}>
            Log {activityTypeLabels[type].toLowerCase()}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
