import { Button, Card, PasswordInput, Stack, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { mySessionsQueryKey } from './sessions-panel.tsx';

/** Changes my password; the server ends every other session. */
export function ChangePasswordForm() {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: { currentPassword: '', newPassword: '', confirm: '' },
    validate: {
      currentPassword: (v) => (v.length > 0 ? null : 'Enter your current password'),
      newPassword: (v) => (v.length >= 12 ? null : 'Use at least 12 characters'),
      confirm: (v, values) => (v === values.newPassword ? null : 'The passwords differ'),
    },
  });
  const change = useMutation({
    mutationFn: async (values: { currentPassword: string; newPassword: string }) => {
      await api.POST('/api/v1/users/me/password', {
        body: { currentPassword: values.currentPassword, newPassword: values.newPassword },
      });
    },
    onSuccess: async () => {
      form.reset();
      notifications.show({ color: 'green', message: 'Password changed. Your other sessions have ended.' });
      await queryClient.invalidateQueries({ queryKey: mySessionsQueryKey });
    },
  });
  return (
    <Card withBorder padding="lg">
      <Title order={2} size="h4" mb="sm">
        Change password
      </Title>
      <form onSubmit={form.onSubmit((values) => change.mutate(values))} noValidate>
        <Stack>
          <ProblemAlert error={change.error} />
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            required
            {...form.getInputProps('currentPassword')}
          />
          <PasswordInput
            label="New password"
            description="At least 12 characters; common passwords are refused."
            autoComplete="new-password"
            required
            {...form.getInputProps('newPassword')}
          />
          <PasswordInput
            label="Repeat the new password"
            autoComplete="new-password"
            required
            {...form.getInputProps('confirm')}
          />
          <Button type="submit" loading={change.isPending} style={{ alignSelf: 'flex-start' }}>
            Change password
          </Button>
        </Stack>
      </form>
    </Card>
  );
}
