import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll } from 'vitest';

/** One message as the SMTP peer received it. */
export interface ReceivedMail {
  readonly to: string[];
  readonly raw: string;
  /** The body with quoted-printable soft breaks and escapes undone. */
  readonly text: string;
}

function decodeQuotedPrintable(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * A real SMTP server in this process (the `smtp-server` package), started before the suite's app so that its URL can go
 * into `CUSTODIAN_SMTP_URL`. Fill `env` before `useTestApp(dialect, env)` reads it.
 */
export function useSmtpPeer(env: Record<string, string>): { messages: ReceivedMail[]; waitFor(count: number): Promise<ReceivedMail[]> } {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, text: decodeQuotedPrintable(raw) });
        callback();
      });
    },
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    env.CUSTODIAN_SMTP_URL = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    messages,
    async waitFor(count: number) {
      for (let i = 0; i < 500 && messages.length < count; i++) await new Promise((r) => setTimeout(r, 10));
      if (messages.length < count) throw new Error(`expected ${count} messages, got ${messages.length}`);
      return messages;
    },
  };
}

/** The reset token in an emailed link. */
export function resetTokenIn(mail: ReceivedMail, publicUrl: string): string {
  const match = mail.text.match(new RegExp(`${publicUrl.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/reset-password\\?token=([A-Za-z0-9_-]+)`));
  if (!match?.[1]) throw new Error('no reset link in the message');
  return match[1];
}
