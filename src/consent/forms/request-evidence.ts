import { isIP } from 'node:net';
import type { ConsentEvidence } from '../records/consent-types.ts';

/**
 * An IP address cut to its network (IPv4 /24, IPv6 /48): enough to show where a consent came from, not who.
 *
 * @example
 * truncateIp('203.0.113.77'); // '203.0.113.0'
 * truncateIp('2001:db8:1:2::5'); // '2001:db8:1::'
 */
export function truncateIp(ip: string): string | undefined {
  const mapped = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  if (isIP(mapped) === 4) return mapped.split('.').slice(0, 3).concat('0').join('.');
  if (isIP(mapped) !== 6) return undefined;
  const [head = '', tail] = mapped.split('::');
  const groups = head.split(':').filter(Boolean);
  if (tail !== undefined) {
    const rest = tail.split(':').filter(Boolean);
    while (groups.length + rest.length < 8) groups.push('0');
    groups.push(...rest);
  }
  return `${groups.slice(0, 3).join(':')}::`;
}

/**
 * A page address reduced to origin and path (no query string or fragment, which may carry personal data).
 *
 * @example
 * pageUrlWithoutQuery('https://shop.example.com/news?email=a@b.c#x'); // 'https://shop.example.com/news'
 */
export function pageUrlWithoutQuery(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return `${url.origin}${url.pathname}`.slice(0, 500);
  } catch {
    return undefined;
  }
}

/** The request facts a consent event keeps as evidence (encrypted by the consent service under the person's key). */
export function requestEvidence(request: { readonly ip: string; readonly userAgent: string | undefined; readonly gpc: boolean }): ConsentEvidence {
  return {
    ip: truncateIp(request.ip),
    userAgent: request.userAgent?.slice(0, 300),
    ...(request.gpc ? { gpc: true } : {}),
  };
}
