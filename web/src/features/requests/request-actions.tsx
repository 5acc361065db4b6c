import { Button, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import {
  identityMethodLabels,
  ifMatch,
  nextStatuses,
  requestStatusLabels,
  type DsRequest,
  type IdentityMethod,
  type RequestStatus,
} from './requests-query.ts';

type Target = Exclude<RequestStatus, 'received' | 'identity_unverified' | 'extended'>;

/** Whether an extension can still be asked: within the first month, at most three months in all (the server decides). */
function mayExtend(r: DsRequest): boolean {
  if (r.sla === 'closed' || r.status === 'received' || r.status === 'identity_unverified') return false;
  // Not extended yet: the deadline in force is the end of the first month. Extended once: the server checks the rest.
  return r.extendedUntil !== null || new Date() <= new Date(r.dueAt);
}

/**
 * The status buttons of a request (the lifecycle's next moves), a dialog for the moves that need more (identity method,
 * refusal reason) and the extension dialog. Calls `onChanged` after each change.
 */
export function RequestActions({ request, onChanged }: { request: DsRequest; onChanged: () => void }) {
  const { api } = useApi();
  const [target, setTarget] = useState<Target | null>(null);
  const [extending, setExtending] = useState(false);
  const moves = nextStatuses[request.status] as Target[];
  return (
    <>
      <Group gap="xs" wrap="wrap" data-testid="request-actions">
        {moves.map((to) => (
          <Button
            key={to}
            size="xs"
            variant={to === 'refused' || to === 'cancelled' ? 'light' : 'filled'}
            color={to === 'refused' ? 'red' : to === 'cancelled' ? 'gray' : undefined}
            onClick={() => setTarget(to)}
          >
            {to === 'verified' ? 'Verify identity' : `Mark ${requestStatusLabels[to].toLowerCase()}`}
          </Button>
        ))}
        {mayExtend(request) ? (
          <Button size="xs" variant="outline" onClick={() => setExtending(true)}>
            Extend deadline
          </Button>
        ) : null}
      </Group>
      {target ? (
        <TransitionModal
          api={api}
          request={request}
          to={target}
          onClose={() => setTarget(null)}
          onDone={onChanged}
        />
      ) : null}
      <ExtendModal
        api={api}
        request={request}
        opened={extending}
        onClose={() => setExtending(false)}
        onDone={onChanged}
      />
    </>
  );
}

function TransitionModal({
  api,
  request,
  to,
  onClose,
  onDone,
}: {
  api: ReturnType<typeof useApi>['api'];
  request: DsRequest;
  to: Target;
  onClose: () => void;
  onDone: () => void;
}) {
  const [reason, setReason] = useState('');
  const [method, setMethod] = useState<IdentityMethod | null>(null);
  const move = useMutation({
    mutationFn: () =>
      body(
        api.POST('/api/v1/requests/{id}/transitions', {
          params: { path: { id: request.id }, header: ifMatch(request.version) },
          body: {
            to,
            ...(reason.trim() ? { reason: reason.trim() } : {}),
            ...(method ? { identityMethod: method } : {}),
          },
        }),
      ),
    onSuccess: () => {
      notifications.show({ color: 'green', message: `Request ${requestStatusLabels[to].toLowerCase()}.` });
      onClose();
      onDone();
    },
  });
  const needsMethod = to === 'verified';
  const needsReason = to === 'refused';
  return (
    <Modal
      opened
      onClose={onClose}
      title={to === 'verified' ? 'Verify identity' : `Mark ${requestStatusLabels[to].toLowerCase()}`}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          move.mutate();
        }}
        noValidate
      >
        <Stack>
          <ProblemAlert error={move.error} />
          {needsMethod ? (
            <Select
              label="How identity was checked"
              required
              data-autofocus
              value={method}
              onChange={(v) => setMethod(v as IdentityMethod | null)}
              data={Object.entries(identityMethodLabels).map(([value, label]) => ({ value, label }))}
            />
          ) : null}
          {to === 'completed' ? (
            <Text size="sm">A completed request is final: its status cannot change afterwards.</Text>
          ) : null}
          <Textarea
            label={
              needsReason
                ? 'Reason the person is told (Art. 12(4))'
                : 'Reason (optional, kept on the timeline)'
            }
            required={needsReason}
            autosize
            minRows={2}
            maxLength={2000}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          {needsReason ? (
            <Text size="xs" c="dimmed">
              The person is also told they may complain to a supervisory authority.
            </Text>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button
              type="submit"
              loading={move.isPending}
              disabled={(needsMethod && !method) || (needsReason && reason.trim() === '')}
              color={to === 'refused' ? 'red' : undefined}
            >
              Confirm
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ExtendModal({
  api,
  request,
  opened,
  onClose,
  onDone,
}: {
  api: ReturnType<typeof useApi>['api'];
  request: DsRequest;
  opened: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const [months, setMonths] = useState<'1' | '2'>('2');
  const [reason, setReason] = useState('');
  const extend = useMutation({
    mutationFn: () =>
      body(
        api.POST('/api/v1/requests/{id}/extend', {
          params: { path: { id: request.id }, header: ifMatch(request.version) },
          body: { months: months === '1' ? 1 : 2, reason: reason.trim() },
        }),
      ),
    onSuccess: (r) => {
      notifications.show({
        color: 'green',
        message: `Deadline extended to ${new Date(r.dueAt).toLocaleDateString()}; the requester is told by email.`,
      });
      setReason('');
      extend.reset();
      onClose();
      onDone();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title="Extend the deadline">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          extend.mutate();
        }}
        noValidate
      >
        <Stack>
          <Text size="sm">
            Art. 12(3): up to two further months where the requests are complex or numerous. The person must
            be told, with the reasons, within the first month.
          </Text>
          <ProblemAlert error={extend.error} />
          <Select
            label="Extend by"
            allowDeselect={false}
            data-autofocus
            value={months}
            onChange={(v) => setMonths((v ?? '2') as '1' | '2')}
            data={[
              { value: '1', label: 'One month' },
              { value: '2', label: 'Two months' },
            ]}
          />
          <Textarea
            label="Reason the person is told"
            required
            autosize
            minRows={2}
            maxLength={2000}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={extend.isPending} disabled={reason.trim() === ''}>
              Extend
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
