import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';

/** An outgoing email. `to` is personal data: it never reaches a log or an audit entry. */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** Extra header lines, e.g. RFC 8058 `List-Unsubscribe` and `List-Unsubscribe-Post` (`listUnsubscribeHeaders`). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Files attached, e.g. a signed consent receipt. */
  readonly attachments?: readonly MailAttachment[] | undefined;
}

/** A text attachment. */
export interface MailAttachment {
  readonly filename: string;
  readonly content: string;
  readonly contentType: string;
}

/** What nodemailer is given for a message (attachments copied: nodemailer wants mutable arrays). */
export function nodemailerMessage(from: string, message: MailMessage) {
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    ...(message.headers ? { headers: { ...message.headers } } : {}),
    ...(message.attachments ? { attachments: message.attachments.map((a) => ({ ...a })) } : {}),
  };
}

/** Sends email: through SMTP when configured, otherwise into a file outbox for development. */
export interface Mailer {
  readonly kind: 'smtp' | 'outbox';
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/**
 * The mailer for a configuration: nodemailer over SMTP when `config.smtpUrl` is set (`smtp://` or `smtps://`),
 * otherwise a file outbox writing one RFC 5322 message per file to `<dataDir>/outbox/*.eml` (mode 0600).
 *
 * @example
 * const mailer = createMailer(config);
 * await mailer.send({ to: 'ann@example.com', subject: 'Hello', text: 'Hi Ann' });
 */
export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'dataDir'>): Mailer {
  if (config.smtpUrl) {
    const transport = nodemailer.createTransport(config.smtpUrl);
    return {
      kind: 'smtp',
      send: async (message) => {
        await transport.sendMail(nodemailerMessage(config.mailFrom, message));
      },
      close: () => transport.close(),
    };
  }
  const outbox = path.join(config.dataDir, 'outbox');
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'outbox',
    send: async (message) => {
      const info = await transport.sendMail(nodemailerMessage(config.mailFrom, message));
      fs.mkdirSync(outbox, { recursive: true, mode: 0o700 });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
      fs.writeFileSync(path.join(outbox, name), info.message as Buffer, { mode: 0o600 });
    },
    close: () => transport.close(),
  };
}
