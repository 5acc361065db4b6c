import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../errors.ts';

/** An uploaded file held on disk, encrypted, for the two passes of an import. */
export interface EncryptedSpool {
  /** Bytes of the plaintext. */
  readonly size: number;
  /** A fresh read of the plaintext, each frame authenticated before it is given out. */
  open(): AsyncIterable<Buffer>;
  /** Deletes the file (the key only ever lived in this object). */
  remove(): Promise<void>;
}

const frameBytes = 64 * 1024;
const header = 4 + 12 + 16; // ciphertext length, nonce, tag

/**
 * Writes an upload to a temporary file under AES-256-GCM with a random key held only in memory, in authenticated
 * frames of 64 KiB (each frame's number is its additional data, and the frame count is kept in memory, so frames can
 * neither be reordered nor cut off). Refuses more than `maxBytes` with `PAYLOAD_TOO_LARGE`, leaving no file behind.
 * See docs/adr/0013-import-upload-handling.md.
 *
 * @example
 * const spool = await spoolEncrypted(request.raw, dir, 256 * 1024 * 1024);
 * try { for await (const chunk of spool.open()) …; } finally { await spool.remove(); }
 */
export async function spoolEncrypted(source: AsyncIterable<Buffer | Uint8Array | string>, dir: string, maxBytes: number): Promise<EncryptedSpool> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `upload-${randomUUID()}.bin`);
  const key = randomBytes(32);
  const out = fs.openSync(file, 'wx', 0o600);
  let size = 0;
  let frames = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const writeFrame = (plain: Buffer) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const aad = Buffer.alloc(4);
    aad.writeUInt32BE(frames);
    cipher.setAAD(aad);
    const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(ct.length);
    fs.writeSync(out, Buffer.concat([head, iv, cipher.getAuthTag(), ct]));
    frames += 1;
  };
  try {
    for await (const piece of source) {
      const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.from(piece);
      size += chunk.length;
      if (size > maxBytes) throw new AppError('PAYLOAD_TOO_LARGE', { detail: `The file is larger than the import limit of ${maxBytes} bytes`, limit: maxBytes });
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= frameBytes) {
        writeFrame(Buffer.concat(pending));
        pending = [];
        pendingBytes = 0;
      }
    }
    if (pendingBytes > 0) writeFrame(Buffer.concat(pending));
  } catch (error) {
    fs.closeSync(out);
    fs.rmSync(file, { force: true });
    throw error;
  }
  fs.closeSync(out);
  const total = frames;
  return {
    size,
    async *open() {
      const handle = await fs.promises.open(file, 'r');
      try {
        for (let n = 0; n < total; n += 1) {
          const head = Buffer.alloc(header);
          const got = await handle.read(head, 0, header, null);
          if (got.bytesRead !== header) throw new AppError('INTERNAL', { detail: 'The spooled upload is truncated' });
          const length = head.readUInt32BE(0);
          const ct = Buffer.alloc(length);
          const read = await handle.read(ct, 0, length, null);
          if (read.bytesRead !== length) throw new AppError('INTERNAL', { detail: 'The spooled upload is truncated' });
          const decipher = createDecipheriv('aes-256-gcm', key, head.subarray(4, 16));
          const aad = Buffer.alloc(4);
          aad.writeUInt32BE(n);
          decipher.setAAD(aad);
          decipher.setAuthTag(head.subarray(16, 32));
          yield Buffer.concat([decipher.update(ct), decipher.final()]);
        }
      } finally {
        await handle.close();
      }
    },
    async remove() {
      key.fill(0);
      await fs.promises.rm(file, { force: true });
    },
  };
}
