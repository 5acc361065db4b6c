import { Alert, Button, Group, List, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { fulfilmentKey, ifMatch, type FulfilmentPanelProps } from './fulfilment-query.ts';

/** Access and portability: build the export; when items name other people, review them and confirm the release. */
export function ExportActions({ request, onChanged }: FulfilmentPanelProps) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const review = useQuery({
    queryKey: [...fulfilmentKey(request.id), 'review'],
    queryFn: () =>
      body(
        api.GET('/api/v1/requests/{id}/fulfilment/export/review', { params: { path: { id: request.id } } }),
      ),
  });
  const done = () => {
    void queryClient.invalidateQueries({ queryKey: fulfilmentKey(request.id) });
    onChanged();
  };
  const build = useMutation({
    mutationFn: () =>
      body(
        api.POST('/api/v1/requests/{id}/fulfilment/export', {
          params: { path: { id: request.id }, header: ifMatch(request.version) },
          body: {},
        }),
      ),
    onSuccess: (r) => {
      notifications.show({
        color: r.released ? 'green' : 'orange',
        message: r.released
          ? 'Export stored; the request is completed.'
          : `${r.flaggedForReview.length} item(s) need review before release.`,
      });
      done();
    },
  });
  const release = useMutation({
    mutationFn: () =>
      body(
        api.POST('/api/v1/requests/{id}/fulfilment/export/release', {
          params: { path: { id: request.id }, header: ifMatch(request.version) },
          body: { note: note.trim() },
        }),
      ),
    onSuccess: () => {
      notifications.show({ color: 'green', message: 'Export released; the request is completed.' });
      done();
    },
  });
  const pending = review.data?.pending ? review.data.flaggedForReview : null;
  return (
    <Stack gap="sm" data-testid="fulfilment-export">
      <Text size="sm">
        {request.type === 'portability'
          ? 'The portability export holds what the person provided under consent or contract (Art. 20), as JSON and CSV.'
          : 'The access export holds every personal value we hold, consents, purposes, recipients, retention and the processing log (Art. 15).'}
      </Text>
      <ProblemAlert error={build.error ?? release.error} />
      {pending ? (
        <Alert color="orange" title="Review before release (Art. 15(4))">
          <Stack gap="xs">
            <Text size="sm">
              These records also concern other people. Check them in the CRM, then confirm the release.
            </Text>
            <List size="sm">
              {pending.map((f) => (
                <List.Item key={`${f.section}-${f.recordId}`}>
                  {f.section} {f.recordId}: {f.reason}
                </List.Item>
              ))}
            </List>
            <Textarea
              label="What you checked"
              required
              autosize
              minRows={2}
              maxLength={2000}
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
            />
            <Group>
              <Button
                size="xs"
                loading={release.isPending}
                disabled={note.trim() === ''}
                onClick={() => release.mutate()}
              >
                Confirm release
              </Button>
            </Group>
          </Stack>
        </Alert>
      ) : null}
      <Group>
        <Button
          size="xs"
          variant={pending ? 'light' : 'filled'}
          loading={build.isPending}
          onClick={() => build.mutate()}
        >
          {pending ? 'Build again' : 'Build export'}
        </Button>
      </Group>
    </Stack>
  );
}
