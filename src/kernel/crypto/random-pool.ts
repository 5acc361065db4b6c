import { randomFillSync } from 'node:crypto';

const poolSize = 64 * 1024;
let pool = Buffer.alloc(0);
let offset = 0;

/**
 * Copies `length` fresh CSPRNG bytes into `target` at `at`. The bytes come from a 64 KiB buffer filled by
 * `crypto.randomFillSync` and refilled when used up; every byte is handed out once. One system call per 64 KiB
 * instead of one per nonce: encrypting a person's values needs about ten nonces and a key.
 *
 * @example
 * const nonce = Buffer.allocUnsafe(12);
 * fillRandom(nonce, 0, 12);
 */
export function fillRandom(target: Buffer, at: number, length: number): Buffer {
  if (length > poolSize) return randomFillSync(target, at, length);
  if (offset + length > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(poolSize));
    offset = 0;
  }
  pool.copy(target, at, offset, offset + length);
  // Forget what was handed out.
  pool.fill(0, offset, offset + length);
  offset += length;
  return target;
}

/** `length` fresh CSPRNG bytes from the pool. */
export function randomPoolBytes(length: number): Buffer {
  return fillRandom(Buffer.allocUnsafe(length), 0, length);
}
