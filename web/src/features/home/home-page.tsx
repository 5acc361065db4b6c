import { Suspense } from 'react';
import { Alert, Anchor, Card, List, Loader, SimpleGrid, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { homeWidgets } from '../../app/home-widgets.ts';
import { Link } from 'react-router';
import { navigation, visibleNavigation } from '../../app/navigation.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { useSession } from '../../app/session.tsx';

/**
 * The home page. For now a welcome and the places this user can go; it becomes the DPO dashboard (consent rates,
 * open requests and their deadlines, retention due, incidents) as those features land.
 */
export function HomePage() {
  const session = useSession();
  if (session.status !== 'signed-in') return null;
  const { me, permissions } = session;
  const places = visibleNavigation(navigation, permissions).filter((item) => item.path !== '/');
  return (
    <>
      <PageHeader
        title={`Welcome, ${me.name || me.email}`}
        description="Custodian: a CRM where GDPR compliance is how personal data is stored."
      />
      <Stack gap="lg">
        {!me.mfaEnabled ? (
          <Alert color="yellow" title="Protect your account" role="status">
            Two-factor authentication is off.{' '}
            <Anchor component={Link} to="/account/mfa">
              Set it up now
            </Anchor>
            .
          </Alert>
        ) : null}
        {homeWidgets.some((w) => !w.permission || permissions.has(w.permission)) ? (
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            {[...homeWidgets]
              .filter((w) => !w.permission || permissions.has(w.permission))
              .sort((a, b) => a.order - b.order)
              .map((w) => (
                <div key={w.key} data-testid={`home-widget-${w.key}`}>
                  <Suspense fallback={<Loader size="sm" />}>
                    <w.widget />
                  </Suspense>
                </div>
              ))}
          </SimpleGrid>
        ) : null}
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {places.map((item) => (
            <Card
              key={item.path}
              withBorder
              padding="lg"
              component={Link}
              to={item.path}
              className="home-card"
            >
              <ThemeIcon variant="light" size="lg" mb="sm" aria-hidden>
                {item.label.charAt(0)}
              </ThemeIcon>
              <Title order={2} size="h4">
                {item.label}
              </Title>
            </Card>
          ))}
        </SimpleGrid>
        <Card withBorder padding="lg">
          <Title order={2} size="h4" mb="xs">
            Compliance dashboard
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            Coming with the privacy features. It will show at a glance:
          </Text>
          <List size="sm" spacing={4}>
            <List.Item>consent rates per purpose</List.Item>
            <List.Item>open data subject requests and their legal deadlines</List.Item>
            <List.Item>data due for deletion under the retention policies</List.Item>
            <List.Item>incidents and the 72-hour breach clock</List.Item>
            <List.Item>access anomalies from the audit log</List.Item>
          </List>
        </Card>
      </Stack>
    </>
  );
}
