import { Anchor, Badge, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';

interface Hit {
  readonly key: string;
  readonly href: string;
  readonly title: string;
  readonly subtitle: string | null;
}

function HitGroup({ title, hits, loading }: { title: string; hits: readonly Hit[] | undefined; loading: boolean }) {
  return (
    <section aria-label={title}>
      <Title order={2} size="h4" mb="xs">
        {title} {hits ? <Badge variant="light">{hits.length}</Badge> : null}
      </Title>
      {loading ? (
        <Text c="dimmed">Searching…</Text>
      ) : hits && hits.length > 0 ? (
        <Stack gap={4}>
          {hits.map((h) => (
            <Group key={h.key} gap="xs">
              <Anchor component={Link} to={h.href}>
                {h.title}
              </Anchor>
              {h.subtitle ? (
                <Text size="sm" c="dimmed">
                  {h.subtitle}
                </Text>
              ) : null}
            </Group>
          ))}
        </Stack>
      ) : (
        <Text c="dimmed">Nothing found.</Text>
      )}
    </section>
  );
}

/**
 * One search box over people (by name: blind-indexed prefixes, gated server-side), organizations and deals, with the
 * results grouped. The text is sent in request bodies, never in the URL.
 */
export function SearchPage() {
  const { api } = useApi();
  const session = useSession();
  const can = (p: string) => session.status === 'signed-in' && session.permissions.has(p);
  const [text, setText] = useState('');
  const [query] = useDebouncedValue(text.trim(), 250);
  const ready = query.length >= 2;
  const people = useQuery({
    queryKey: ['search', 'people', query],
    enabled: ready && query.length >= 3 && can('people:read'),
    queryFn: () => body(api.POST('/api/v1/people/search', { body: { query, limit: 20 } })),
  });
  const records = useQuery({
    queryKey: ['search', 'records', query],
    enabled: ready && can('crm:read'),
    queryFn: () => body(api.POST('/api/v1/search', { body: { query, limit: 20 } })),
  });
  const personHits = people.data?.items.map((p) => ({
    key: p.id,
    href: `/people/${p.id}`,
    title: [p.firstName, p.lastName].filter(Boolean).join(' ') || p.email || 'Unnamed person',
    subtitle: p.email,
  }));
  const hitsOf = (type: 'organization' | 'deal') =>
    records.data?.items
      .filter((h) => h.type === type)
      .map((h) => ({ key: h.id, href: `/${type === 'organization' ? 'organizations' : 'deals'}/${h.id}`, title: h.title, subtitle: h.subtitle }));

  return (
    <>
      <PageHeader title="Search" description="People by name (3 letters or more), organizations by name or domain, deals by title." />
      <Stack>
        <TextInput label="Search" type="search" placeholder="Name, company, deal…" value={text} onChange={(e) => setText(e.currentTarget.value)} maw={480} autoFocus />
        <ProblemAlert error={people.error ?? records.error} />
        {ready ? (
          <>
            {can('people:read') ? <HitGroup title="People" hits={query.length >= 3 ? personHits : []} loading={people.isFetching} /> : null}
            {can('crm:read') ? (
              <>
                <HitGroup title="Organizations" hits={hitsOf('organization')} loading={records.isFetching} />
                <HitGroup title="Deals" hits={hitsOf('deal')} loading={records.isFetching} />
              </>
            ) : null}
          </>
        ) : null}
      </Stack>
    </>
  );
}
