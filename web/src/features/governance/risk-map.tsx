import { Table, Text } from '@mantine/core';
import { riskLabels, type Dpia } from './governance-query.ts';

type Risks = Record<keyof Dpia['risks'], { severity: number | null; likelihood: number | null }>;

/** Colour of a cell: green when both are low, red when both are high (CNIL: reduce high severity and likelihood). */
function cellColour(severity: number, likelihood: number): string {
  const score = severity + likelihood;
  return score >= 7 ? 'var(--mantine-color-red-1)' : score >= 5 ? 'var(--mantine-color-yellow-1)' : 'var(--mantine-color-green-0)';
}

/** The 4×4 risk map: severity up, likelihood across, each feared event in its cell. */
export function RiskMap({ risks }: { risks: Risks }) {
  const keys = Object.keys(riskLabels) as (keyof Risks)[];
  return (
    <Table withTableBorder withColumnBorders aria-label="Risk map" data-testid="risk-map" maw={720}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Severity \ likelihood</Table.Th>
          {[1, 2, 3, 4].map((l) => (
            <Table.Th key={l}>{l}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {[4, 3, 2, 1].map((s) => (
          <Table.Tr key={s}>
            <Table.Th>{s}</Table.Th>
            {[1, 2, 3, 4].map((l) => (
              <Table.Td key={l} style={{ background: cellColour(s, l) }} data-cell={`${s}-${l}`}>
                {keys
                  .filter((k) => risks[k].severity === s && risks[k].likelihood === l)
                  .map((k) => (
                    <Text key={k} size="xs">
                      {riskLabels[k]}
                    </Text>
                  ))}
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
