import { randomPoolBytes } from '../kernel/crypto/random-pool.ts';

let lastMs = 0;
let sequence = 0;

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit sequence within the millisecond (started
 * at a random value, so ids of one process stay in order), then 62 random bits. Rows keyed by such ids are appended
 * at the end of their indexes instead of landing on a random page: the bulk create writes a thousand people per
 * transaction into eight indexes keyed by person id, and random UUIDs there dirtied a page per row (ADR 0032). The id
 * reveals its creation time to the millisecond, which `created_at` already stores in plain text beside it.
 *
 * @example
 * timeOrderedUuid(); // '0193d1c4-7a2b-7c3d-9e4f-5a6b7c8d9e0f'
 */
export function timeOrderedUuid(now: number = Date.now()): string {
  const bytes = randomPoolBytes(16);
  let ms = Math.max(now, lastMs);
  if (ms === lastMs) {
    sequence += 1;
    if (sequence > 0xfff) {
      // 4,096 ids in one millisecond: borrow the next one, keeping the order.
      ms += 1;
      sequence = bytes[6]! & 0x7f;
    }
  } else {
    sequence = bytes[6]! & 0x7f;
  }
  lastMs = ms;
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
