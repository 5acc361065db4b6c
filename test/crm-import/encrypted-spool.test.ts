import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spoolEncrypted } from '../../src/crm/import/encrypted-spool.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'custodian-spool-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function* chunks(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}
async function readAll(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of source) parts.push(part);
  return Buffer.concat(parts);
}

describe('encrypted upload spool', () => {
  const plain = Buffer.from(Array.from({ length: 6000 }, (_, i) => `person${i}@spool.example,Name ${i}\n`).join(''));

  it('gives back the upload byte for byte, twice, while the disk holds only ciphertext; remove deletes it', async () => {
    const spool = await spoolEncrypted(chunks(plain, 7000), dir, 10 * 1024 * 1024);
    expect(spool.size).toBe(plain.length);
    expect((await readAll(spool.open())).equals(plain)).toBe(true);
    expect((await readAll(spool.open())).equals(plain)).toBe(true);
    const [file] = fs.readdirSync(dir);
    const raw = fs.readFileSync(path.join(dir, file!));
    expect(raw.includes(Buffer.from('spool.example'))).toBe(false);
    await spool.remove();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses a changed byte and a cut-off file', async () => {
    const spool = await spoolEncrypted(chunks(plain, 50_000), dir, 10 * 1024 * 1024);
    const file = path.join(dir, fs.readdirSync(dir)[0]!);
    const raw = fs.readFileSync(file);
    const flipped = Buffer.from(raw);
    flipped[raw.length - 10] = flipped[raw.length - 10]! ^ 1;
    fs.writeFileSync(file, flipped);
    await expect(readAll(spool.open())).rejects.toThrow();
    fs.writeFileSync(file, raw.subarray(0, raw.length - 100));
    await expect(readAll(spool.open())).rejects.toThrow();
    await spool.remove();
  });

  it('refuses an upload over the cap and leaves no file behind', async () => {
    await expect(spoolEncrypted(chunks(plain, 10_000), dir, 100_000)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
