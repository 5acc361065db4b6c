/**
 * A timestamp in the viewer's locale, or an em dash when absent.
 *
 * @example
 * formatDateTime('2026-03-02T10:00:00.000Z'); // "2 Mar 2026, 11:00"
 */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
