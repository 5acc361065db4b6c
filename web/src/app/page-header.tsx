import { Group, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useEffect, useRef, type ReactNode } from 'react';

/**
 * The heading of a page: sets the document title and takes focus when the user navigates to the page, so keyboard and
 * screen-reader users land at the top of the new content.
 *
 * @example
 * <PageHeader title="Users" description="People who can sign in to the console." actions={<Button>New user</Button>} />
 */
export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  useDocumentTitle(`${title} · Custodian`);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // After a navigation inside the console, focus moves to the new page's heading. On a fresh load nothing has
    // focus yet: leave it at the top of the document so the skip link is the first stop.
    const active = document.activeElement;
    if (active && active !== document.body) heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <Group justify="space-between" align="flex-start" mb="lg" wrap="wrap">
      <div>
        <Title order={1} size="h2" ref={heading} tabIndex={-1} id="page-title" style={{ outlineOffset: 4 }}>
          {title}
        </Title>
        {description ? (
          <Text c="dimmed" size="sm" mt={4}>
            {description}
          </Text>
        ) : null}
      </div>
      {actions ? <Group gap="sm">{actions}</Group> : null}
    </Group>
  );
}
