import { Group, Text } from '@mantine/core';

export interface LineSeries {
  readonly label: string;
  /** One value per x position; null leaves a gap. */
  readonly values: readonly (number | null)[];
  readonly color: string;
}

/**
 * A small SVG line chart (no chart library) with a legend and a text summary for screen readers.
 *
 * @example
 * <LineChart label="Compliance score" xLabels={days} series={[{ label: 'Score', values: scores, color: 'var(--mantine-color-blue-6)' }]} max={100} />
 */
export function LineChart({
  label,
  xLabels,
  series,
  max,
  unit = '',
}: {
  label: string;
  xLabels: readonly string[];
  series: readonly LineSeries[];
  max?: number;
  unit?: string;
}) {
  const width = 560;
  const height = 150;
  const pad = 6;
  const top = max ?? Math.max(1, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const n = Math.max(1, xLabels.length - 1);
  const x = (i: number) => pad + (i / n) * (width - 2 * pad);
  const y = (v: number) => height - pad - (v / top) * (height - 2 * pad);
  const summary = series
    .map((s) => `${s.label}: latest ${s.values.filter((v) => v !== null).slice(-1)[0] ?? 'none'}${unit}`)
    .join('; ');
  if (xLabels.length === 0)
    return (
      <Text size="sm" c="dimmed">
        Nothing to chart yet.
      </Text>
    );
  return (
    <figure style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={`${label}. ${summary}`}>
        <line
          x1={pad}
          x2={width - pad}
          y1={height - pad}
          y2={height - pad}
          stroke="currentColor"
          strokeOpacity={0.3}
        />
        <line x1={pad} x2={width - pad} y1={y(top)} y2={y(top)} stroke="currentColor" strokeOpacity={0.1} />
        {series.map((s) => {
          const points = s.values
            .map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`))
            .filter((p): p is string => p !== null);
          return (
            <g key={s.label}>
              <polyline points={points.join(' ')} fill="none" stroke={s.color} strokeWidth={2} />
              {s.values.map((v, i) =>
                v === null ? null : (
                  <circle key={i} cx={x(i)} cy={y(v)} r={3} fill={s.color}>
                    <title>{`${xLabels[i] ?? ''}: ${v}${unit}`}</title>
                  </circle>
                ),
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <Group gap="md">
          {series.map((s) => (
            <Text key={s.label} size="xs" c="dimmed">
              <span style={{ color: s.color }}>■</span> {s.label}
            </Text>
          ))}
          <Text size="xs" c="dimmed">
            {xLabels[0]} – {xLabels[xLabels.length - 1]}
          </Text>
        </Group>
      </figcaption>
    </figure>
  );
}
