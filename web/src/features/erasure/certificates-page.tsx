import { Anchor, Badge, Button, Code, Group, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { certificatesQueryKey, triggerLabels } from './erasure-query.ts';

/** Every certificate of erasure of the workspace, newest first. */
export function CertificatesPage() {
  const { api } = useApi();
  const certificates = useInfiniteQuery({
    queryKey: certificatesQueryKey,
    queryFn: ({ pageParam }) =>
      body(
        api.GET('/api/v1/erasure-certificates', {
          params: { query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = certificates.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader
        title="Erasure certificates"
        description="Evidence of every erasure: when, what scope, which data key was destroyed, the steps done and anything kept by law. Certificates hold no personal data; people appear by pseudonym."
      />
      <Stack>
        <ProblemAlert error={certificates.error} />
        {certificates.isPending ? (
          <PageLoader />
        ) : items.length === 0 ? (
          <Text>No erasures yet.</Text>
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table striped highlightOnHover verticalSpacing="sm" aria-label="Certificates of erasure">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Issued</Table.Th>
                  <Table.Th>Subject</Table.Th>
                  <Table.Th>Trigger</Table.Th>
                  <Table.Th>Steps</Table.Th>
                  <Table.Th>Kept</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/erasure/${c.id}`} aria-label={`Certificate ${c.id}`}>
                        {formatDateTime(c.issuedAt)}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Code>{c.subjectPseudonym}</Code>
                    </Table.Td>
                    <Table.Td>{triggerLabels[c.trigger]}</Table.Td>
                    <Table.Td>{c.steps.length}</Table.Td>
                    <Table.Td>
                      {c.kept.length === 0 ? (
                        <Text size="sm">Nothing</Text>
                      ) : (
                        <Badge miw="max-content" color="yellow" variant="light">
                          {c.kept.length} kept by law
                        </Badge>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {certificates.hasNextPage ? (
          <Group>
            <Button
              variant="default"
              onClick={() => void certificates.fetchNextPage()}
              loading={certificates.isFetchingNextPage}
            >
              Load more
            </Button>
          </Group>
        ) : null}
      </Stack>
    </>
  );
}
