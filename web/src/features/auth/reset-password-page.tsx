import { Alert, Anchor, Button, Paper, PasswordInput, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { SignedOutFrame } from '../../app/route-guards.tsx';

/**
 * `/reset-password?token=…` from the emailed link: the token is read once and removed from the address bar (and so
 * from the history), then the user chooses a new password.
 */
export function ResetPasswordPage() {
  const { api } = useApi();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [token] = useState(() => params.get('token') ?? '');

  useEffect(() => {
    if (params.has('token')) navigate('/reset-password', { replace: true });
  }, [params, navigate]);

  const form = useForm({
    initialValues: { password: '', confirm: '' },
    validate: {
      password: (v) => (v.length >= 12 ? null : 'Use at least 12 characters'),
      confirm: (v, values) => (v === values.password ? null : 'The passwords differ'),
    },
  });
  const complete = useMutation({
    mutationFn: async (values: { password: string }) => {
      await api.POST('/api/v1/auth/password-reset/complete', { body: { token, password: values.password } });
    },
  });

  return (
    <SignedOutFrame title="Choose a new password">
      <Paper withBorder shadow="sm" p="xl" radius="md">
        {complete.isSuccess ? (
          <Stack>
            <Alert color="green" title="Password changed" role="status">
              Your password is changed and every other session has ended. Sign in with the new password.
            </Alert>
            <Button component={Link} to="/sign-in">
              Sign in
            </Button>
          </Stack>
        ) : token === '' ? (
          <Stack>
            <Alert color="yellow" title="No reset link" role="alert">
              Open the link from the reset email again, or ask for a new one.
            </Alert>
            <Anchor component={Link} to="/forgot-password">
              Ask for a new link
            </Anchor>
          </Stack>
        ) : (
          <form onSubmit={form.onSubmit((values) => complete.mutate(values))} noValidate>
            <Stack>
              <Text size="sm">
                At least 12 characters. Common passwords are refused; a few unrelated words make a strong one.
              </Text>
              <ProblemAlert error={complete.error} />
              <PasswordInput
                label="New password"
                autoComplete="new-password"
                required
                autoFocus
                {...form.getInputProps('password')}
              />
              <PasswordInput
                label="Repeat the new password"
                autoComplete="new-password"
                required
                {...form.getInputProps('confirm')}
              />
              <Button type="submit" loading={complete.isPending}>
                Change password
              </Button>
              {complete.error ? (
                <Anchor component={Link} to="/forgot-password" size="sm">
                  Ask for a new link
                </Anchor>
              ) : null}
            </Stack>
          </form>
        )}
      </Paper>
    </SignedOutFrame>
  );
}
