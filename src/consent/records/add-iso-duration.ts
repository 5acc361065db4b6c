import { normaliseRetention } from '../../kernel/catalogue/retention.ts';

/**
 * The instant an ISO 8601 date duration (`P1Y`, `P6M`, `P2W`, `P30D`) after `from`, in UTC calendar arithmetic;
 * undefined when the duration is not one.
 *
 * @example
 * addIsoDuration('2026-01-31T10:00:00.000Z', 'P1M'); // '2026-03-03T10:00:00.000Z' (JavaScript month overflow)
 */
export function addIsoDuration(from: string, duration: string): string | undefined {
  const normal = normaliseRetention(duration);
  if (!normal) return undefined;
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(normal);
  if (!m) return undefined;
  const d = new Date(from);
  d.setUTCFullYear(d.getUTCFullYear() + Number(m[1] ?? 0));
  d.setUTCMonth(d.getUTCMonth() + Number(m[2] ?? 0));
  d.setUTCDate(d.getUTCDate() + 7 * Number(m[3] ?? 0) + Number(m[4] ?? 0));
  return d.toISOString();
}
