import { Alert, Button, Divider, Group, NumberInput, PasswordInput, Stack, Switch, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { ifMatch, mailSettingsQueryKey, type MailSettings } from './forms-query.ts';
import { SmsSettingsSection } from './sms-settings-section.tsx';

function SettingsForm({ current }: { current: MailSettings | null }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const [host, setHost] = useState(current?.host ?? '');
  const [port, setPort] = useState<number>(current?.port ?? 587);
  const [secure, setSecure] = useState(current?.secure ?? false);
  const [username, setUsername] = useState(current?.username ?? '');
  const [password, setPassword] = useState('');
  const [from, setFrom] = useState(current?.from ?? '');
  const [testTo, setTestTo] = useState('');
  const save = useMutation({
    mutationFn: () =>
      body(
        api.PUT('/api/v1/settings/mail', {
          params: { header: ifMatch(current?.version ?? 0) },
          body: { host, port, secure, username: username || null, from, ...(password ? { password } : {}) },
        }),
      ),
    onSuccess: async () => {
      setPassword('');
      notifications.show({ color: 'green', message: 'Mail settings saved.' });
      await queryClient.invalidateQueries({ queryKey: mailSettingsQueryKey });
    },
  });
  const test = useMutation({
    mutationFn: () => body(api.POST('/api/v1/settings/mail/test', { body: { to: testTo } })),
    onSuccess: () => notifications.show({ color: 'green', message: 'The test email was accepted by the mail server.' }),
  });
  return (
    <Stack maw={560}>
      <ProblemAlert error={save.error} />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <TextInput label="SMTP host" required value={host} onChange={(e) => setHost(e.currentTarget.value)} />
          <Group grow>
            <NumberInput label="Port" required min={1} max={65535} value={port} onChange={(v) => setPort(Number(v) || 587)} />
            <Switch label="Implicit TLS (port 465)" checked={secure} onChange={(e) => setSecure(e.currentTarget.checked)} mt="lg" />
          </Group>
          <TextInput label="User name" value={username} onChange={(e) => setUsername(e.currentTarget.value)} autoComplete="off" />
          <PasswordInput
            label="Password"
            description={current?.passwordSet ? 'A password is stored; it is never shown. Type a new one to replace it.' : 'Stored encrypted; never shown again.'}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="new-password"
          />
          <TextInput label="From" description='e.g. Example Ltd <news@example.com>' required value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
          <Group>
            <Button type="submit" loading={save.isPending}>Save</Button>
          </Group>
        </Stack>
      </form>
      <Title order={3}>Send a test email</Title>
      <ProblemAlert error={test.error} />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          test.mutate();
        }}
      >
        <Group align="flex-end">
          <TextInput label="To" type="email" required value={testTo} onChange={(e) => setTestTo(e.currentTarget.value)} />
          <Button type="submit" variant="light" loading={test.isPending}>Send test email</Button>
        </Group>
      </form>
    </Stack>
  );
}

/** The workspace's SMTP settings (password write-only) and a test email. */
export function MailSettingsPage() {
  const { api } = useApi();
  const settings = useQuery({ queryKey: mailSettingsQueryKey, queryFn: () => body(api.GET('/api/v1/settings/mail')) });
  return (
    <>
      <PageHeader title="Email settings" description="How Custodian sends email: confirmations, receipts, password resets. Without settings here, the server's own mailer is used." />
      <ProblemAlert error={settings.error} />
      {settings.isPending ? (
        <PageLoader />
      ) : settings.data ? (
        <Stack>
          {settings.data.settings ? null : <Alert color="blue">Now using the server's mailer ({settings.data.serverMailer === 'outbox' ? 'a file outbox: nothing leaves this machine' : 'SMTP from the environment'}).</Alert>}
          <SettingsForm key={settings.data.settings?.version ?? 0} current={settings.data.settings} />
        </Stack>
      ) : null}
      <Divider my="xl" />
      <SmsSettingsSection />
    </>
  );
}
