import { Anchor, Button, Paper, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { SignedOutFrame } from '../../app/route-guards.tsx';
import { sessionQueryKey, useSession } from '../../app/session.tsx';

/**
 * Sign-in: email and password, then — when the account has MFA — the six-digit code (or a recovery code).
 */
export function SignInPage() {
  const { api } = useApi();
  const session = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: unknown } | null)?.from;
  const target = typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') ? from : '/';
  const [step, setStep] = useState<'password' | 'code'>('password');

  const credentials = useForm({
    initialValues: { email: '', password: '' },
    validate: {
      email: (v) => (/^\S+@\S+$/.test(v.trim()) ? null : 'Enter your email address'),
      password: (v) => (v.length > 0 ? null : 'Enter your password'),
    },
  });
  const codeForm = useForm({
    initialValues: { code: '' },
    validate: { code: (v) => (v.trim().length >= 6 ? null : 'Enter the code from your authenticator app') },
  });

  const finish = async () => {
    await queryClient.invalidateQueries({ queryKey: sessionQueryKey });
    navigate(target, { replace: true });
  };

  const signIn = useMutation({
    mutationFn: (values: { email: string; password: string }) =>
      body(
        api.POST('/api/v1/auth/sign-in', { body: { email: values.email.trim(), password: values.password } }),
      ),
    onSuccess: async (result) => {
      if (result.status === 'mfa-required') {
        credentials.setFieldValue('password', '');
        setStep('code');
        return;
      }
      await finish();
    },
  });
  const verify = useMutation({
    mutationFn: (values: { code: string }) =>
      body(api.POST('/api/v1/auth/mfa', { body: { code: values.code.replace(/\s+/g, '') } })),
    onSuccess: finish,
  });

  if (session.status === 'signed-in') return <Navigate to={target} replace />;

  return (
    <SignedOutFrame title={step === 'password' ? 'Sign in' : 'Two-factor sign-in'}>
      <Paper withBorder shadow="sm" p="xl" radius="md">
        {step === 'password' ? (
          <form onSubmit={credentials.onSubmit((values) => signIn.mutate(values))} noValidate>
            <Stack>
              <ProblemAlert error={signIn.error} />
              <TextInput
                label="Email"
                type="email"
                autoComplete="username"
                required
                data-autofocus
                autoFocus
                {...credentials.getInputProps('email')}
              />
              <PasswordInput
                label="Password"
                autoComplete="current-password"
                required
                {...credentials.getInputProps('password')}
              />
              <Button type="submit" loading={signIn.isPending} fullWidth>
                Sign in
              </Button>
              <Anchor component={Link} to="/forgot-password" size="sm" ta="center">
                Forgot your password?
              </Anchor>
            </Stack>
          </form>
        ) : (
          <form onSubmit={codeForm.onSubmit((values) => verify.mutate(values))} noValidate>
            <Stack>
              <Text size="sm">
                Enter the six-digit code from your authenticator app. If you lost the device, enter one of
                your recovery codes instead.
              </Text>
              <ProblemAlert error={verify.error} />
              <TextInput
                label="Authentication code"
                autoComplete="one-time-code"
                inputMode="text"
                spellCheck={false}
                autoFocus
                required
                maxLength={32}
                {...codeForm.getInputProps('code')}
              />
              <Button type="submit" loading={verify.isPending} fullWidth>
                Verify
              </Button>
              <Button
                variant="subtle"
                onClick={() => {
                  codeForm.reset();
                  verify.reset();
                  setStep('password');
                }}
              >
                Start again
              </Button>
            </Stack>
          </form>
        )}
      </Paper>
    </SignedOutFrame>
  );
}
