import { Text } from '@mantine/core';

export interface DailyCounts {
  readonly day: string;
  readonly given: number;
  readonly withdrawn: number;
}

/**
 * A small SVG chart of consents given (bars above the axis) and withdrawn (below) per day, with a text summary for
 * screen readers. No chart library: the shapes are few.
 */
export function ConsentRateChart({ daily, label }: { daily: readonly DailyCounts[]; label: string }) {
  if (daily.length === 0) return <Text size="sm" c="dimmed">No consent events in this period.</Text>;
  const width = 560;
  const height = 140;
  const mid = height / 2;
  const max = Math.max(1, ...daily.map((d) => Math.max(d.given, d.withdrawn)));
  const step = width / daily.length;
  const bar = Math.max(2, step - 2);
  const given = daily.reduce((n, d) => n + d.given, 0);
  const withdrawn = daily.reduce((n, d) => n + d.withdrawn, 0);
  return (
    <figure style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={`${label}: ${given} given, ${withdrawn} withdrawn from ${daily[0]!.day} to ${daily[daily.length - 1]!.day}`}>
        <line x1={0} x2={width} y1={mid} y2={mid} stroke="currentColor" strokeOpacity={0.3} />
        {daily.map((d, i) => (
          <g key={d.day}>
            <title>{`${d.day}: ${d.given} given, ${d.withdrawn} withdrawn`}</title>
            <rect x={i * step} y={mid - (d.given / max) * (mid - 4)} width={bar} height={(d.given / max) * (mid - 4)} fill="var(--mantine-color-teal-6)" />
            <rect x={i * step} y={mid} width={bar} height={(d.withdrawn / max) * (mid - 4)} fill="var(--mantine-color-red-6)" />
          </g>
        ))}
      </svg>
      <figcaption>
        <Text size="xs" c="dimmed">
          {given} given (above), {withdrawn} withdrawn (below), {daily[0]!.day} – {daily[daily.length - 1]!.day}
        </Text>
      </figcaption>
    </figure>
  );
}
