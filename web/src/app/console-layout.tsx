import {
  AppShell,
  Burger,
  Button,
  Group,
  Menu,
  NavLink,
  ScrollArea,
  Stack,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense, useEffect } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { navigation, navigationSections, visibleNavigation } from './navigation.ts';
import { PageLoader } from './page-loader.tsx';
import { useSessionActions, type Me } from './session.tsx';

/**
 * The signed-in frame: a skip link, the header with the user menu, the side navigation built from the registry
 * (only what the user's permissions allow) and the page.
 */
export function ConsoleLayout({ me, permissions }: { me: Me; permissions: ReadonlySet<string> }) {
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  const navigate = useNavigate();
  const { signOut } = useSessionActions();
  const items = visibleNavigation(navigation, permissions);

  useEffect(() => close(), [location.pathname, close]);

  const isActive = (path: string) =>
    path === '/'
      ? location.pathname === '/'
      : location.pathname === path || location.pathname.startsWith(`${path}/`);

  return (
    <>
      <a href="#main" className="skip-link">
        Skip to main content
      </a>
      <AppShell
        header={{ height: 56 }}
        navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !opened } }}
        padding="lg"
      >
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between">
            <Group gap="sm">
              <Burger
                opened={opened}
                onClick={toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label="Navigation menu"
                aria-expanded={opened}
                aria-controls="console-navigation"
              />
              <Link to="/" className="brand" aria-label="Custodian home">
                <img src="/favicon.svg" alt="" width={26} height={26} />
                <Text fw={700} size="lg">
                  Custodian
                </Text>
              </Link>
            </Group>
            <Menu position="bottom-end" width={240}>
              <Menu.Target>
                <UnstyledButton
                  className="user-button"
                  aria-label={`Account menu for ${me.name || me.email}`}
                >
                  <Stack gap={0} align="flex-end">
                    <Text size="sm" fw={600}>
                      {me.name || me.email}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {me.role.name}
                    </Text>
                  </Stack>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{me.email}</Menu.Label>
                <Menu.Item component={Link} to="/account">
                  My account
                </Menu.Item>
                <Menu.Item component={Link} to="/account/mfa">
                  Two-factor authentication
                </Menu.Item>
                <Menu.Divider />
                <Menu.Item
                  color="red"
                  onClick={() => {
                    void signOut().then(() => navigate('/sign-in', { replace: true }));
                  }}
                >
                  Sign out
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </AppShell.Header>

        <AppShell.Navbar p="sm" aria-label="Main" id="console-navigation">
          <ScrollArea type="never" style={{ flex: 1 }}>
            {navigationSections.map((section) => {
              const inSection = items.filter((item) => item.section === section.key);
              if (inSection.length === 0) return null;
              return (
                <div key={section.key} role="group" aria-labelledby={`nav-${section.key}`}>
                  <Text
                    id={`nav-${section.key}`}
                    size="xs"
                    fw={700}
                    c="dimmed"
                    tt="uppercase"
                    px="sm"
                    mb={4}
                    mt="sm"
                  >
                    {section.label}
                  </Text>
                  {inSection.map((item) => {
                    const active = isActive(item.path);
                    return (
                      <NavLink
                        key={item.path}
                        component={Link}
                        to={item.path}
                        label={item.label}
                        active={active}
                        aria-current={active ? 'page' : undefined}
                      />
                    );
                  })}
                </div>
              );
            })}
          </ScrollArea>
          {me.mfaEnabled ? null : (
            <Button component={Link} to="/account/mfa" variant="light" size="xs" mt="sm">
              Turn on two-factor sign-in
            </Button>
          )}
        </AppShell.Navbar>

        <AppShell.Main id="main" tabIndex={-1}>
          <Suspense fallback={<PageLoader />}>
            <Outlet />
          </Suspense>
        </AppShell.Main>
      </AppShell>
    </>
  );
}
