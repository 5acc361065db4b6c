/**
 * A ring showing a percentage (SVG, no chart library), with the figure in the middle.
 *
 * @example
 * <RingChart label="Training completed" percent={82} color="var(--mantine-color-teal-6)" />
 */
export function RingChart({ label, percent, color }: { label: string; percent: number; color: string }) {
  const r = 40;
  const c = 2 * Math.PI * r;
  const p = Math.max(0, Math.min(100, percent));
  return (
    <svg viewBox="0 0 100 100" width={110} height={110} role="img" aria-label={`${label}: ${p}%`}>
      <circle cx={50} cy={50} r={r} fill="none" stroke="currentColor" strokeOpacity={0.12} strokeWidth={10} />
      <circle
        cx={50}
        cy={50}
        r={r}
        fill="none"
        stroke={color}
        strokeWidth={10}
        strokeDasharray={`${(p / 100) * c} ${c}`}
        transform="rotate(-90 50 50)"
      />
      <text x={50} y={55} textAnchor="middle" fontSize={20} fill="currentColor">
        {p}%
      </text>
    </svg>
  );
}
