import { Badge, Button, Checkbox, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { requestsKey } from './requests-query.ts';

/** A stored summary names users by id (no personal data at rest): show their names where the console knows them. */
function readable(summary: string, names: Map<string, string>): string {
  return summary.replace(
    /\buser ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/g,
    (whole, id: string) => names.get(id) ?? whole,
  );
}

/**
 * The request's timeline (every step, oldest first: receipt, identity, status moves, notes, reminders, fulfilment)
 * and, for writers, a note form (a personal note is encrypted under the request's key).
 */
export function RequestTimeline({
  requestId,
  canWrite,
  names,
  onChanged,
}: {
  requestId: string;
  canWrite: boolean;
  names: Map<string, string>;
  onChanged: () => void;
}) {
  const { api } = useApi();
  const [text, setText] = useState('');
  const [personal, setPersonal] = useState(false);
  const steps = useQuery({
    queryKey: [...requestsKey, 'timeline', requestId],
    queryFn: () => body(api.GET('/api/v1/requests/{id}/timeline', { params: { path: { id: requestId } } })),
  });
  const note = useMutation({
    mutationFn: () =>
      body(
        api.POST('/api/v1/requests/{id}/notes', {
          params: { path: { id: requestId } },
          body: { text: text.trim(), personal },
        }),
      ),
    onSuccess: () => {
      setText('');
      setPersonal(false);
      note.reset();
      onChanged();
    },
  });
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} size="h4" mb="sm">
        Timeline
      </Title>
      <ProblemAlert error={steps.error} />
      <Stack gap="xs" data-testid="request-timeline">
        {(steps.data?.items ?? []).map((s) => (
          <Group key={s.id} gap="sm" align="flex-start" wrap="nowrap">
            <Text size="xs" c="dimmed" miw={150}>
              {formatDateTime(s.at)}
            </Text>
            <Badge variant="light" size="sm" miw={90}>
              {s.kind.replace(/_/g, ' ')}
            </Badge>
            <Stack gap={0}>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {readable(s.summary, names)}
              </Text>
              <Text size="xs" c="dimmed">
                {s.actor.type === 'user' && s.actor.id
                  ? (names.get(s.actor.id) ?? 'A colleague')
                  : s.actor.type === 'system'
                    ? 'Custodian'
                    : s.actor.type === 'anonymous'
                      ? 'Requester (portal)'
                      : s.actor.type}
                {s.personal ? ' · personal, encrypted' : ''}
              </Text>
            </Stack>
          </Group>
        ))}
      </Stack>
      {canWrite ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            note.mutate();
          }}
          noValidate
        >
          <Stack mt="md" gap="xs">
            <ProblemAlert error={note.error} />
            <Textarea
              label="Add a note"
              autosize
              minRows={2}
              maxLength={5000}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
            />
            <Group justify="space-between">
              <Checkbox
                label="Holds personal data (encrypted)"
                checked={personal}
                onChange={(e) => setPersonal(e.currentTarget.checked)}
              />
              <Button type="submit" size="xs" loading={note.isPending} disabled={text.trim() === ''}>
                Add note
              </Button>
            </Group>
          </Stack>
        </form>
      ) : null}
    </Paper>
  );
}
