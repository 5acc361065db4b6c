import { isIPv4, isIPv6 } from 'node:net';

/**
 * An IP address reduced to its network (IPv4 /24, IPv6 /48), as consent evidence keeps it: enough to show where a
 * submission came from, not enough to single out a device. Anything else becomes undefined.
 *
 * @example
 * truncateIp('203.0.113.77'); // '203.0.113.0'
 * truncateIp('2001:db8:85a3::8a2e:370:7334'); // '2001:db8:85a3::'
 */
export function truncateIp(ip: string | undefined): string | undefined {
  if (!ip) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const v4 = mapped ? mapped[1]! : ip;
  if (isIPv4(v4)) return `${v4.split('.').slice(0, 3).join('.')}.0`;
  if (!isIPv6(ip)) return undefined;
  const [head = '', tail] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 3).map((g) => g.replace(/^0+(?=.)/, '').toLowerCase()).join(':')}::`;
}
