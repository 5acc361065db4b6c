import {
  Alert,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  Image,
  List,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import type { Success } from '../../api/api-types.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession, useSessionActions } from '../../app/session.tsx';
import { svgDataUrl } from './svg-data-url.ts';

type Enrolment = Success<'/api/v1/users/me/mfa/enrol', 'post'>;

/**
 * Two-factor authentication: enrol an authenticator app (QR code or the secret typed in), confirm with a code, then
 * see the recovery codes once. When MFA is on, it can be turned off with the password and a code (unless the role
 * requires it).
 */
export function MfaPage() {
  const session = useSession();
  const { refreshSession } = useSessionActions();
  const [recoveryCodes, setRecoveryCodes] = useState<readonly string[] | null>(null);
  if (session.status !== 'signed-in') return null;
  const { me, mfaEnrolmentRequired } = session;

  return (
    <>
      <PageHeader
        title="Two-factor authentication"
        description="A code from an authenticator app on your phone, asked for at every sign-in after your password."
      />
      <Stack maw={640}>
        {mfaEnrolmentRequired ? (
          <Alert color="yellow" title="Your role requires two-factor authentication" role="alert">
            Set it up now to continue using the console.
          </Alert>
        ) : null}
        {recoveryCodes ? (
          <RecoveryCodes codes={recoveryCodes} onDone={() => setRecoveryCodes(null)} />
        ) : me.mfaEnabled ? (
          <DisableMfa required={me.mfaRequired} onDisabled={refreshSession} />
        ) : (
          <EnrolMfa
            onConfirmed={async (codes) => {
              setRecoveryCodes(codes);
              await refreshSession();
            }}
          />
        )}
      </Stack>
    </>
  );
}

function EnrolMfa({ onConfirmed }: { onConfirmed: (codes: readonly string[]) => Promise<void> }) {
  const { api } = useApi();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const start = useMutation({
    mutationFn: () => body(api.POST('/api/v1/users/me/mfa/enrol')),
    onSuccess: setEnrolment,
  });
  const form = useForm({
    initialValues: { code: '' },
    validate: { code: (v) => (/^\d{6}$/.test(v.trim()) ? null : 'Enter the six digits shown in the app') },
  });
  const confirm = useMutation({
    mutationFn: (code: string) => body(api.POST('/api/v1/users/me/mfa/confirm', { body: { code } })),
    onSuccess: (result) => onConfirmed(result.recoveryCodes),
  });

  if (!enrolment) {
    return (
      <Card withBorder padding="lg">
        <Stack align="flex-start">
          <Text>
            Two-factor authentication is <strong>off</strong> for your account. You need an authenticator app
            (such as FreeOTP, Aegis, Google Authenticator or 1Password).
          </Text>
          <ProblemAlert error={start.error} />
          <Button onClick={() => start.mutate()} loading={start.isPending}>
            Set up an authenticator app
          </Button>
        </Stack>
      </Card>
    );
  }
  return (
    <Card withBorder padding="lg">
      <Stack>
        <Title order={2} size="h4">
          1. Scan the code with your app
        </Title>
        <Group align="flex-start" gap="xl">
          <Image
            src={svgDataUrl(enrolment.qrSvg)}
            alt="QR code to add Custodian to your authenticator app"
            className="qr-code"
          />
          <Stack gap={4} style={{ flex: 1, minWidth: 220 }}>
            <Text size="sm">Cannot scan it? Type this key into the app instead:</Text>
            <Group gap="xs">
              <Code fz="md" aria-label="Secret key" data-testid="mfa-secret">
                {enrolment.secret}
              </Code>
              <CopyButton value={enrolment.secret}>
                {({ copied, copy }) => (
                  <Button size="compact-xs" variant="light" onClick={copy}>
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                )}
              </CopyButton>
            </Group>
            <Text size="xs" c="dimmed">
              Time-based (TOTP), 6 digits, every 30 seconds.
            </Text>
          </Stack>
        </Group>
        <Title order={2} size="h4">
          2. Enter the code the app shows
        </Title>
        <form onSubmit={form.onSubmit((values) => confirm.mutate(values.code.trim()))} noValidate>
          <Stack align="flex-start">
            <ProblemAlert error={confirm.error} />
            <TextInput
              label="Six-digit code"
              autoComplete="one-time-code"
              inputMode="numeric"
              maxLength={6}
              required
              {...form.getInputProps('code')}
            />
            <Button type="submit" loading={confirm.isPending}>
              Turn on two-factor authentication
            </Button>
          </Stack>
        </form>
      </Stack>
    </Card>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: readonly string[]; onDone: () => void }) {
  const text = codes.join('\n');
  const download = () => {
    const url = URL.createObjectURL(
      new Blob([`Custodian recovery codes\n\n${text}\n`], { type: 'text/plain' }),
    );
    const link = document.createElement('a');
    link.href = url;
    link.download = 'custodian-recovery-codes.txt';
    link.click();
    URL.revokeObjectURL(url);
  };
  return (
    <Card withBorder padding="lg">
      <Stack>
        <Alert color="green" title="Two-factor authentication is on" role="status">
          Save these recovery codes now: each signs you in once if you lose your phone. They are shown only
          this once.
        </Alert>
        <List className="recovery-codes" aria-label="Recovery codes" data-testid="recovery-codes">
          {codes.map((code) => (
            <List.Item key={code}>{code}</List.Item>
          ))}
        </List>
        <Group>
          <CopyButton value={text}>
            {({ copied, copy }) => (
              <Button variant="light" onClick={copy}>
                {copied ? 'Copied' : 'Copy the codes'}
              </Button>
            )}
          </CopyButton>
          <Button variant="light" onClick={download}>
            Download as a file
          </Button>
          <Button component={Link} to="/" onClick={onDone}>
            I saved them
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function DisableMfa({ required, onDisabled }: { required: boolean; onDisabled: () => Promise<void> }) {
  const { api } = useApi();
  const form = useForm({
    initialValues: { password: '', code: '' },
    validate: {
      password: (v) => (v.length > 0 ? null : 'Enter your password'),
      code: (v) => (v.trim().length >= 6 ? null : 'Enter a code from your app'),
    },
  });
  const disable = useMutation({
    mutationFn: async (values: { password: string; code: string }) => {
      await api.POST('/api/v1/users/me/mfa/disable', {
        body: { password: values.password, code: values.code.trim() },
      });
    },
    onSuccess: async () => {
      form.reset();
      notifications.show({ color: 'green', message: 'Two-factor authentication is off.' });
      await onDisabled();
    },
  });
  return (
    <Card withBorder padding="lg">
      <Stack>
        <Alert color="green" title="Two-factor authentication is on" role="status">
          Every sign-in asks for a code from your authenticator app.
        </Alert>
        {required ? (
          <Text size="sm">Your role requires two-factor authentication, so it cannot be turned off.</Text>
        ) : (
          <form onSubmit={form.onSubmit((values) => disable.mutate(values))} noValidate>
            <Stack align="flex-start">
              <Title order={2} size="h4">
                Turn it off
              </Title>
              <ProblemAlert error={disable.error} />
              <PasswordInput
                label="Password"
                autoComplete="current-password"
                required
                w={320}
                {...form.getInputProps('password')}
              />
              <TextInput
                label="Code from the app"
                autoComplete="one-time-code"
                required
                w={320}
                {...form.getInputProps('code')}
              />
              <Button type="submit" color="red" variant="light" loading={disable.isPending}>
                Turn off two-factor authentication
              </Button>
            </Stack>
          </form>
        )}
      </Stack>
    </Card>
  );
}
