import { Anchor, Badge, FileButton, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { ProblemAlert } from '../../app/problem-alert.tsx';

const statusColors: Record<string, string> = { completed: 'green', running: 'blue', interrupted: 'orange', failed: 'red', pending: 'gray' };

/**
 * The workspace's latest imports with their counts and reports; an interrupted one resumes when the same file is chosen
 * again (the server continues after its last committed row).
 *
 * @example
 * <RecentImports />
 */
export function RecentImports() {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const imports = useQuery({
    queryKey: ['imports', 'list'],
    queryFn: () => body(api.GET('/api/v1/imports', { params: { query: { limit: 20 } } })),
    refetchInterval: 2000,
  });
  const resume = useMutation({
    mutationFn: ({ id, file }: { id: string; file: File }) =>
      body(
        api.PUT('/api/v1/imports/{id}/file', {
          params: { path: { id } },
          headers: { 'Content-Type': 'text/csv' },
          body: file as never,
          bodySerializer: (b: unknown) => b as BodyInit,
        }),
      ),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['imports', 'list'] }),
  });
  const items = imports.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <>
      <Title order={2} size="h4" mt="xl" mb="sm">
        Recent imports
      </Title>
      <ProblemAlert error={imports.error ?? resume.error} />
      <Table aria-label="Recent imports" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Started</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Rows</Table.Th>
            <Table.Th>Created · updated · skipped · suppressed · rejected</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((i) => (
            <Table.Tr key={i.id}>
              <Table.Td>{formatDateTime(i.createdAt)}</Table.Td>
              <Table.Td>
                <Badge color={statusColors[i.status] ?? 'gray'} variant="light">{i.status}</Badge>
                {i.errorCode ? <Text size="xs" c="dimmed">{i.errorCode}</Text> : null}
              </Table.Td>
              <Table.Td>{i.totalRows === null ? '—' : `${i.lastRow} / ${i.totalRows}`}</Table.Td>
              <Table.Td>{`${i.counts.created} · ${i.counts.updated} · ${i.counts.skipped} · ${i.counts.suppressed} · ${i.counts.rejected}`}</Table.Td>
              <Table.Td>
                {i.status === 'interrupted' ? (
                  <FileButton accept=".csv,text/csv" onChange={(file) => file && resume.mutate({ id: i.id, file })}>
                    {(props) => <Anchor component="button" {...props}>Resume with the same file</Anchor>}
                  </FileButton>
                ) : i.counts.rejected > 0 ? (
                  <Anchor href={`/api/v1/imports/${i.id}/report`} download>Report</Anchor>
                ) : null}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}
