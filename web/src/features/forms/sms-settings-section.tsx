import { Alert, Button, Group, NumberInput, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Success } from '../../api/api-types.ts';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';

type SmsSettings = NonNullable<Success<'/api/v1/settings/sms', 'get'>['settings']>;
const smsSettingsQueryKey = ['settings', 'sms'] as const;

function SmsSettingsForm({ current }: { current: SmsSettings | null }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const [url, setUrl] = useState(current?.url ?? '');
  const [sender, setSender] = useState(current?.sender ?? '');
  const [token, setToken] = useState('');
  const [timeoutMs, setTimeoutMs] = useState<number>(current?.timeoutMs ?? 10_000);
  const [testTo, setTestTo] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: smsSettingsQueryKey });
  const save = useMutation({
    mutationFn: () =>
      body(
        api.PUT('/api/v1/settings/sms', {
          params: { header: { 'if-match': `"${current?.version ?? 0}"` } },
          body: { url, sender, timeoutMs, ...(token ? { token } : {}) },
        }),
      ),
    onSuccess: async () => {
      setToken('');
      notifications.show({ color: 'green', message: 'SMS settings saved.' });
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => body(api.DELETE('/api/v1/settings/sms', {})),
    onSuccess: async () => {
      notifications.show({ color: 'green', message: 'SMS settings removed: the portal no longer offers text messages.' });
      await refresh();
    },
  });
  const test = useMutation({
    mutationFn: () => body(api.POST('/api/v1/settings/sms/test', { body: { to: testTo } })),
    onSuccess: () => notifications.show({ color: 'green', message: 'The gateway accepted the test message.' }),
  });
  return (
    <Stack maw={560}>
      <ProblemAlert error={save.error ?? remove.error} />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <TextInput
            label="Gateway URL"
            description='Custodian POSTs JSON {"to", "from", "body"} here with the token as a bearer token. https in production.'
            required
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
          />
          <TextInput label="Sender" description="Up to 11 letters or digits, or a phone number" required value={sender} onChange={(e) => setSender(e.currentTarget.value)} />
          <PasswordInput
            label="Token"
            description={current?.tokenSet ? 'A token is stored; it is never shown. Type a new one to replace it.' : 'Stored encrypted; never shown again.'}
            value={token}
            onChange={(e) => setToken(e.currentTarget.value)}
            autoComplete="new-password"
          />
          <NumberInput label="Timeout (ms)" min={1000} max={30000} step={1000} value={timeoutMs} onChange={(v) => setTimeoutMs(Number(v) || 10_000)} />
          <Group>
            <Button type="submit" loading={save.isPending}>Save SMS settings</Button>
            {current ? (
              <Button variant="subtle" color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
                Remove
              </Button>
            ) : null}
          </Group>
        </Stack>
      </form>
      {current ? (
        <>
          <Title order={4}>Send a test text message</Title>
          <ProblemAlert error={test.error} />
          <form
            onSubmit={(event) => {
              event.preventDefault();
              test.mutate();
            }}
          >
            <Group align="flex-end">
              <TextInput label="To" description="International form, e.g. +44 7700 900123" type="tel" required value={testTo} onChange={(e) => setTestTo(e.currentTarget.value)} />
              <Button type="submit" variant="light" loading={test.isPending}>Send test message</Button>
            </Group>
          </form>
        </>
      ) : null}
    </Stack>
  );
}

/** The workspace's SMS gateway (token write-only) and a test text: the privacy portal's "text me a code" uses it. */
export function SmsSettingsSection() {
  const { api } = useApi();
  const settings = useQuery({ queryKey: smsSettingsQueryKey, queryFn: () => body(api.GET('/api/v1/settings/sms')) });
  return (
    <Stack>
      <Title order={2}>SMS</Title>
      <ProblemAlert error={settings.error} />
      {settings.isPending ? (
        <PageLoader />
      ) : settings.data ? (
        <>
          {settings.data.settings ? null : (
            <Alert color="blue">No SMS gateway: the privacy portal verifies requesters by email only.</Alert>
          )}
          <SmsSettingsForm key={settings.data.settings?.version ?? 0} current={settings.data.settings} />
        </>
      ) : null}
    </Stack>
  );
}
