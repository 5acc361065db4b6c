import { Anchor, Badge, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { formatMoney, statusColors, statusLabels, type Deal } from './deals-query.ts';

/**
 * Deals as a table (title, stage, amount, close date, status); stage names come from `stageNames`.
 *
 * @example
 * <DealTable deals={items} stageNames={new Map([[stage.id, stage.name]])} />
 */
export function DealTable({ deals, stageNames, label = 'Deals' }: { deals: readonly Deal[]; stageNames: ReadonlyMap<string, string>; label?: string }) {
  if (deals.length === 0) return <Text size="sm">No deals.</Text>;
  return (
    <Table.ScrollContainer minWidth={600}>
      <Table striped highlightOnHover verticalSpacing="xs" aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Title</Table.Th>
            <Table.Th>Stage</Table.Th>
            <Table.Th>Amount</Table.Th>
            <Table.Th>Expected close</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {deals.map((d) => (
            <Table.Tr key={d.id}>
              <Table.Td>
                <Anchor component={Link} to={`/deals/${d.id}`} fw={500}>
                  {d.title}
                </Anchor>
              </Table.Td>
              <Table.Td>{stageNames.get(d.stageId) ?? '—'}</Table.Td>
              <Table.Td>{formatMoney(d.amount, d.currency)}</Table.Td>
              <Table.Td>{d.expectedCloseDate ?? '—'}</Table.Td>
              <Table.Td>
                <Badge variant="light" color={statusColors[d.status]}>
                  {statusLabels[d.status]}
                </Badge>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
