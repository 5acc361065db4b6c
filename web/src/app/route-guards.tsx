import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { ConsoleLayout } from './console-layout.tsx';
import { PageHeader } from './page-header.tsx';
import { PageLoader } from './page-loader.tsx';
import { ProblemAlert } from './problem-alert.tsx';
import { useSession } from './session.tsx';

/** Where the MFA enrolment page lives: the only page open to a user whose role requires MFA they lack. */
export const mfaEnrolmentPath = '/account/mfa';

/**
 * Renders the console frame for a signed-in user; sends anyone else to the sign-in page (remembering the page in
 * router state, never in the URL), and a user who must enrol MFA to the enrolment page.
 */
export function RequireSession() {
  const session = useSession();
  const location = useLocation();
  if (session.status === 'loading') return <PageLoader />;
  if (session.status === 'error') {
    return (
      <Center mih="100vh" p="lg">
        <Stack maw={480}>
          <ProblemAlert error={session.error} title="The server did not answer" />
          <Button onClick={() => window.location.reload()}>Try again</Button>
        </Stack>
      </Center>
    );
  }
  if (session.status === 'signed-out') {
    return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  }
  if (session.mfaEnrolmentRequired && location.pathname !== mfaEnrolmentPath) {
    return <Navigate to={mfaEnrolmentPath} replace />;
  }
  return <ConsoleLayout me={session.me} permissions={session.permissions} />;
}

/** Shows the page only when the user holds the permission (the API refuses anyway; this says so plainly). */
export function RequirePermission({
  permission,
  children,
}: {
  permission: string | undefined;
  children: ReactNode;
}) {
  const session = useSession();
  if (permission === undefined) return children;
  if (session.status === 'signed-in' && session.permissions.has(permission)) return children;
  return (
    <>
      <PageHeader title="Not available" />
      <Text>
        Your role does not include the <code>{permission}</code> permission. Ask an administrator if you need
        it.
      </Text>
    </>
  );
}

/** The answer to an unknown console address. */
export function NotFoundPage() {
  return (
    <Stack align="flex-start">
      <PageHeader title="Page not found" />
      <Text>There is no page at this address.</Text>
      <Button component={Link} to="/">
        Go home
      </Button>
    </Stack>
  );
}

/** A centred card frame for the pages shown before sign-in. */
export function SignedOutFrame({ title, children }: { title: string; children: ReactNode }) {
  useDocumentTitle(`${title} · Custodian`);
  return (
    <Center mih="100vh" p="md" component="main" id="main" className="signed-out">
      <Stack w="100%" maw={400} gap="lg">
        <Stack gap={4} align="center">
          <img src="/favicon.svg" alt="" width={44} height={44} />
          <Title order={1} size="h2">
            {title}
          </Title>
          <Text c="dimmed" size="sm">
            Custodian
          </Text>
        </Stack>
        {children}
      </Stack>
    </Center>
  );
}
