import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { useSession } from '../../app/session.tsx';
import { ApiTokensPanel } from './api-tokens-panel.tsx';
import { ChangePasswordForm } from './change-password-form.tsx';
import { SessionsPanel } from './sessions-panel.tsx';

/** My account: who I am, my password, two-factor sign-in, where I am signed in, my API tokens. */
export function AccountPage() {
  const session = useSession();
  if (session.status !== 'signed-in') return null;
  const { me } = session;
  return (
    <>
      <PageHeader title="My account" description="Your sign-in, sessions and API tokens." />
      <Stack gap="lg">
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <Card withBorder padding="lg">
            <Title order={2} size="h4" mb="sm">
              Profile
            </Title>
            <Stack gap={6}>
              <Text>
                <Text span c="dimmed" size="sm">
                  Name:{' '}
                </Text>
                {me.name || '—'}
              </Text>
              <Text>
                <Text span c="dimmed" size="sm">
                  Email:{' '}
                </Text>
                {me.email}
              </Text>
              <Group gap="xs">
                <Text span c="dimmed" size="sm">
                  Role:
                </Text>
                <Badge variant="light">{me.role.name}</Badge>
              </Group>
              <Text size="sm" c="dimmed">
                Last sign-in {formatDateTime(me.lastSignInAt)}
              </Text>
            </Stack>
            <Title order={2} size="h4" mt="lg" mb="sm">
              Two-factor authentication
            </Title>
            <Group>
              <Badge color={me.mfaEnabled ? 'green' : 'gray'} variant="light">
                {me.mfaEnabled ? 'On' : 'Off'}
              </Badge>
              <Button component={Link} to="/account/mfa" size="xs" variant="light">
                {me.mfaEnabled ? 'Manage' : 'Set up'}
              </Button>
            </Group>
          </Card>
          <ChangePasswordForm />
        </SimpleGrid>
        <SessionsPanel />
        <ApiTokensPanel canChooseRole={session.permissions.has('roles:read')} />
      </Stack>
    </>
  );
}
