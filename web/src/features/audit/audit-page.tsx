import { Badge, Button, Code, Group, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { AuditFilters, emptyAuditFilters, toAuditQuery, type AuditFilterValues } from './audit-filters.tsx';
import { AuditVerifyButton } from './audit-verify-button.tsx';

const outcomeColor = { allowed: 'green', denied: 'orange', failed: 'red' } as const;

/**
 * The audit log, newest first: filter by action, actor, outcome and dates; "Load more" follows the cursor.
 * Entries hold ids and pseudonyms, never personal data; actors are shown by their console email when known.
 */
export function AuditPage() {
  const { api } = useApi();
  const session = useSession();
  const canReadUsers = session.status === 'signed-in' && session.permissions.has('users:read');
  const [filters, setFilters] = useState<AuditFilterValues>(emptyAuditFilters);
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());

  const entries = useInfiniteQuery({
    queryKey: ['audit', filters],
    queryFn: ({ pageParam }) =>
      body(
        api.GET('/api/v1/audit', {
          params: {
            query: {
              ...toAuditQuery(filters),
              ...(pageParam !== undefined ? { cursor: pageParam } : {}),
              limit: 50,
            },
          },
        }),
      ),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const users = useQuery({
    queryKey: ['audit', 'actors'],
    queryFn: () => body(api.GET('/api/v1/users', { params: { query: { limit: 100 } } })),
    enabled: canReadUsers,
    staleTime: 60_000,
  });
  const actorNames = new Map((users.data?.items ?? []).map((u) => [u.id, u.email]));
  const items = entries.data?.pages.flatMap((p) => p.items) ?? [];

  const toggle = (seq: number) =>
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(seq)) next.delete(seq);
      else next.add(seq);
      return next;
    });

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every sign-in, refusal and change, in a hash-chained log that cannot be edited without detection."
        actions={<AuditVerifyButton />}
      />
      <Stack>
        <AuditFilters
          value={filters}
          onChange={(next) => {
            setFilters(next);
            setOpen(new Set());
          }}
          actors={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.email }))}
        />
        <ProblemAlert error={entries.error} />
        {entries.isPending ? (
          <PageLoader />
        ) : items.length === 0 ? (
          <Text>No entries match these filters.</Text>
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table striped verticalSpacing="xs" aria-label="Audit entries">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>#</Table.Th>
                  <Table.Th>Time</Table.Th>
                  <Table.Th>Actor</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>Resource</Table.Th>
                  <Table.Th>Outcome</Table.Th>
                  <Table.Th>Details</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((entry) => {
                  const expanded = open.has(entry.seq);
                  return (
                    <Fragment key={entry.seq}>
                      <Table.Tr data-action={entry.action} data-resource-id={entry.resourceId ?? ''}>
                        <Table.Td>
                          <Text size="sm" c="dimmed">
                            {entry.seq}
                          </Text>
                        </Table.Td>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(entry.at)}</Table.Td>
                        <Table.Td>
                          <Text size="sm">{actorLabel(entry.actorType, entry.actorId, actorNames)}</Text>
                        </Table.Td>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>
                          <Code>{entry.action}</Code>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">
                            {entry.resourceType ?? '—'}
                            {entry.resourceId ? (
                              <Text span size="xs" c="dimmed" ff="monospace" title={entry.resourceId}>
                                {' '}
                                {shortId(entry.resourceId)}
                              </Text>
                            ) : null}
                          </Text>
                        </Table.Td>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>
                          <Badge
                            style={{ overflow: 'visible' }}
                            variant="light"
                            color={outcomeColor[entry.outcome as keyof typeof outcomeColor] ?? 'gray'}
                          >
                            {entry.outcome}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          <Button
                            size="compact-xs"
                            variant="subtle"
                            onClick={() => toggle(entry.seq)}
                            aria-expanded={expanded}
                            aria-controls={`audit-details-${entry.seq}`}
                          >
                            {expanded ? 'Hide' : 'Show'}
                          </Button>
                        </Table.Td>
                      </Table.Tr>
                      {expanded ? (
                        <Table.Tr id={`audit-details-${entry.seq}`}>
                          <Table.Td colSpan={7}>
                            <Group gap="xl" align="flex-start">
                              <Stack gap={2}>
                                <Detail label="Resource" value={entry.resourceId} />
                                <Detail label="Request" value={entry.requestId} />
                                <Detail label="IP address" value={entry.ip} />
                                <Detail label="Purpose" value={entry.purpose} />
                                <Detail label="Subject pseudonym" value={entry.subjectPseudonym} />
                              </Stack>
                              <Code block style={{ flex: 1 }}>
                                {JSON.stringify(entry.details ?? {}, null, 2)}
                              </Code>
                            </Group>
                          </Table.Td>
                        </Table.Tr>
                      ) : null}
                    </Fragment>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {entries.hasNextPage ? (
          <Group>
            <Button
              variant="default"
              onClick={() => void entries.fetchNextPage()}
              loading={entries.isFetchingNextPage}
            >
              Load more
            </Button>
          </Group>
        ) : null}
      </Stack>
    </>
  );
}

function Detail({ label, value }: { label: string; value: string | null | undefined }) {
  return (
    <Text size="xs">
      <Text span c="dimmed" size="xs">
        {label}:{' '}
      </Text>
      <Text span ff="monospace" size="xs">
        {value || '—'}
      </Text>
    </Text>
  );
}

/** The start of a long id (a UUID's first group); the full id is in the title and the details row. */
function shortId(id: string): string {
  return id.length > 13 ? `${id.slice(0, 8)}…` : id;
}

function actorLabel(type: string, id: string | null | undefined, names: ReadonlyMap<string, string>): string {
  if (type === 'system') return 'System';
  if (!id) return type;
  const name = names.get(id);
  if (type === 'token') return `API token ${id.slice(0, 8)}`;
  return name ?? `${type} ${id.slice(0, 8)}`;
}
