import { Badge, Modal, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { lawfulBasisLabels, purposesQueryKey, type Purpose } from './purposes-query.ts';

/**
 * The version history of a purpose, newest first: what changed, when, by whom, and the basis and state of each.
 *
 * @example
 * <PurposeVersionsModal purpose={purpose} onClose={close} />
 */
export function PurposeVersionsModal({ purpose, onClose }: { purpose: Purpose | null; onClose: () => void }) {
  const { api } = useApi();
  const versions = useQuery({
    queryKey: [...purposesQueryKey, purpose?.key, 'versions'],
    queryFn: () =>
      body(api.GET('/api/v1/purposes/{key}/versions', { params: { path: { key: purpose?.key ?? '' } } })),
    enabled: purpose !== null,
  });
  return (
    <Modal opened={purpose !== null} onClose={onClose} title={`History of ${purpose?.name ?? ''}`} size="xl">
      <ProblemAlert error={versions.error} />
      {versions.isPending ? (
        <PageLoader />
      ) : (
        <Table striped verticalSpacing="xs" aria-label="Versions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Version</Table.Th>
              <Table.Th>Change</Table.Th>
              <Table.Th>When</Table.Th>
              <Table.Th>By</Table.Th>
              <Table.Th>Lawful basis</Table.Th>
              <Table.Th>State</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(versions.data?.items ?? []).map((v) => (
              <Table.Tr key={v.version}>
                <Table.Td>{v.version}</Table.Td>
                <Table.Td>{v.change}</Table.Td>
                <Table.Td>{formatDateTime(v.changedAt)}</Table.Td>
                <Table.Td>
                  <Text size="sm">{v.actor.type}</Text>
                </Table.Td>
                <Table.Td>{lawfulBasisLabels[v.purpose.lawfulBasis]}</Table.Td>
                <Table.Td>
                  <Badge miw="max-content" variant="light" color={v.purpose.active ? 'green' : 'gray'}>
                    {v.purpose.active ? 'Active' : 'Inactive'}
                  </Badge>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Modal>
  );
}
