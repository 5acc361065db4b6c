import { Text } from '@mantine/core';

export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly color: string;
}

/**
 * Horizontal SVG bars with their values (no chart library); the figure's label summarises every bar for screen readers.
 *
 * @example
 * <BarChart label="Open requests by deadline" bars={[{ label: 'Overdue', value: 2, color: 'var(--mantine-color-red-6)' }]} />
 */
export function BarChart({ label, bars }: { label: string; bars: readonly Bar[] }) {
  const row = 26;
  const width = 560;
  const labelWidth = 150;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = Math.max(row, bars.length * row);
  if (bars.length === 0)
    return (
      <Text size="sm" c="dimmed">
        Nothing to chart.
      </Text>
    );
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      role="img"
      aria-label={`${label}: ${bars.map((b) => `${b.label} ${b.value}`).join(', ')}`}
    >
      {bars.map((b, i) => {
        const w = (b.value / max) * (width - labelWidth - 60);
        return (
          <g key={b.label} transform={`translate(0 ${i * row})`}>
            <text x={0} y={row / 2 + 4} fontSize={12} fill="currentColor">
              {b.label.length > 22 ? `${b.label.slice(0, 21)}…` : b.label}
            </text>
            <rect
              x={labelWidth}
              y={4}
              width={Math.max(b.value > 0 ? 2 : 0, w)}
              height={row - 8}
              fill={b.color}
              rx={2}
            />
            <text x={labelWidth + w + 6} y={row / 2 + 4} fontSize={12} fill="currentColor">
              {b.value}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
