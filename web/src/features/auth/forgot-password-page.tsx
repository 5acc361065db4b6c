import { Alert, Anchor, Button, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { SignedOutFrame } from '../../app/route-guards.tsx';

/** Asks for a password-reset email. The answer is the same whether or not the account exists. */
export function ForgotPasswordPage() {
  const { api } = useApi();
  const form = useForm({
    initialValues: { email: '' },
    validate: { email: (v) => (/^\S+@\S+$/.test(v.trim()) ? null : 'Enter your email address') },
  });
  const request = useMutation({
    mutationFn: async (values: { email: string }) => {
      await api.POST('/api/v1/auth/password-reset', { body: { email: values.email.trim() } });
    },
  });
  return (
    <SignedOutFrame title="Reset your password">
      <Paper withBorder shadow="sm" p="xl" radius="md">
        {request.isSuccess ? (
          <Stack>
            <Alert color="green" title="Check your email" role="status">
              If an account uses this address, we sent it a link to choose a new password. The link works
              once, for 30 minutes.
            </Alert>
            <Anchor component={Link} to="/sign-in" size="sm">
              Back to sign-in
            </Anchor>
          </Stack>
        ) : (
          <form onSubmit={form.onSubmit((values) => request.mutate(values))} noValidate>
            <Stack>
              <Text size="sm">
                Enter the email address of your account and we will send you a reset link.
              </Text>
              <ProblemAlert error={request.error} />
              <TextInput
                label="Email"
                type="email"
                autoComplete="username"
                required
                autoFocus
                {...form.getInputProps('email')}
              />
              <Button type="submit" loading={request.isPending}>
                Send the link
              </Button>
              <Anchor component={Link} to="/sign-in" size="sm" ta="center">
                Back to sign-in
              </Anchor>
            </Stack>
          </form>
        )}
      </Paper>
    </SignedOutFrame>
  );
}
