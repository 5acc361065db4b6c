import fs from 'node:fs';
import path from 'node:path';

/** Undoes quoted-printable transfer encoding (soft line breaks and `=XX` bytes). */
function decodeQuotedPrintable(text: string): string {
  const bytes = text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/**
 * The password-reset token from the newest message in the development file outbox (`<dataDir>/outbox/*.eml`).
 *
 * @example
 * const token = await resetTokenFromOutbox(server.t.dataDir);
 */
export async function resetTokenFromOutbox(dataDir: string, timeoutMs = 10_000): Promise<string> {
  const outbox = path.join(dataDir, 'outbox');
  const deadline = Date.now() + timeoutMs;
  // The server sends the email after answering (so timing reveals nothing): wait for the file.
  while (Date.now() < deadline) {
    const files = fs.existsSync(outbox)
      ? fs
          .readdirSync(outbox)
          .filter((f) => f.endsWith('.eml'))
          .sort()
      : [];
    const newest = files.at(-1);
    if (newest) {
      const text = decodeQuotedPrintable(fs.readFileSync(path.join(outbox, newest), 'utf8'));
      const match = /\/reset-password\?token=([^\s"<>]+)/.exec(text);
      if (match?.[1]) return decodeURIComponent(match[1]);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no password-reset email arrived in the outbox');
}
