import nodemailer from 'nodemailer';
import type { Kysely } from 'kysely';
import type { DialectName } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../kernel/audit/audit-log.ts';
import type { Clock } from '../kernel/clock.ts';
import type { ActorContext } from '../kernel/gate/processing-context.ts';
import { nodemailerMessage, type Mailer } from './mailer.ts';
import type { SettingsSecret } from './settings-secret.ts';

/** SMTP settings as the console sees them: the password is write-only (only whether one is set). */
export interface MailSettingsView {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly username: string | null;
  readonly passwordSet: boolean;
  readonly from: string;
  readonly version: number;
  readonly updatedAt: string;
}

/** What the console saves. `password`: a new one, `null` to remove it, absent to keep the stored one. */
export interface MailSettingsInput {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly username?: string | null | undefined;
  readonly password?: string | null | undefined;
  readonly from: string;
}

export interface MailSettingsStore {
  /** The workspace's SMTP settings, or undefined when it uses the server's mailer (environment or file outbox). */
  find(db: Kysely<Database>, workspaceId: string): Promise<MailSettingsView | undefined>;
  /** Saves (audited, without any value); `PRECONDITION_FAILED` when `expectedVersion` is stale. */
  save(db: Kysely<Database>, ctx: ActorContext, input: MailSettingsInput, expectedVersion: number | null): Promise<MailSettingsView>;
  /** Removes the workspace's settings: mail goes through the server's mailer again. */
  remove(db: Kysely<Database>, ctx: ActorContext): Promise<void>;
  /** The mailer of a workspace: its SMTP settings when saved, else the server's. */
  mailerFor(db: Kysely<Database>, workspaceId: string): Promise<Mailer>;
  close(): void;
}

const hostPattern = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^\d{1,3}(?:\.\d{1,3}){3}$/;
const fromPattern = /^(?:[^<>\r\n]{0,100}<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/;

function validate(input: MailSettingsInput): void {
  const errors: { path: string; message: string }[] = [];
  if (!hostPattern.test(input.host)) errors.push({ path: '/host', message: 'must be a host name or IPv4 address' });
  if (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535) errors.push({ path: '/port', message: 'must be 1 to 65535' });
  if (!fromPattern.test(input.from)) errors.push({ path: '/from', message: 'must be an address, or a name and <address>' });
  if (input.username !== undefined && input.username !== null && (input.username.length > 200 || /[\r\n]/.test(input.username)))
    errors.push({ path: '/username', message: 'must be one line of at most 200 characters' });
  if (typeof input.password === 'string' && (input.password.length > 500 || /[\r\n]/.test(input.password)))
    errors.push({ path: '/password', message: 'must be one line of at most 500 characters' });
  if (errors.length > 0) throw new AppError('VALIDATION_FAILED', { detail: 'Some settings are not valid', errors });
}

/**
 * SMTP settings per workspace, entered in the console, over the server's default mailer (`CUSTODIAN_SMTP_URL` or the
 * file outbox). Transports are reused until the settings change.
 *
 * @example
 * const settings = createMailSettingsStore({ dialect, clock, secret, fallback: mailer });
 * await settings.save(db, ctx, { host: 'smtp.example.com', port: 587, secure: false, from: 'crm@example.com' }, null);
 * await (await settings.mailerFor(db, workspaceId)).send({ to, subject, text });
 */
export function createMailSettingsStore(deps: {
  readonly dialect: DialectName;
  readonly clock: Clock;
  readonly secret: SettingsSecret;
  readonly fallback: Mailer;
}): MailSettingsStore {
  const transports = new Map<string, { version: number; mailer: Mailer }>();
  const view = (row: Database['mail_settings']): MailSettingsView => ({
    host: row.host,
    port: row.port,
    secure: row.secure === 1,
    username: row.username,
    passwordSet: row.password !== null,
    from: row.from_address,
    version: row.version,
    updatedAt: row.updated_at,
  });
  const load = (db: Kysely<Database>, workspaceId: string) =>
    db.selectFrom('mail_settings').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
  const audit = (trx: Kysely<Database>, ctx: ActorContext, action: string, details: Record<string, unknown>) =>
    appendAudit(trx, deps, {
      workspaceId: ctx.workspaceId,
      actor: ctx.actor,
      action,
      outcome: 'allowed',
      resourceType: 'mail_settings',
      resourceId: ctx.workspaceId,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
      details,
    });

  return {
    async find(db, workspaceId) {
      const row = await load(db, workspaceId);
      return row ? view(row) : undefined;
    },

    async save(db, ctx, input, expectedVersion) {
      validate(input);
      return db.transaction().execute(async (trx) => {
        const current = await load(trx, ctx.workspaceId);
        if ((current?.version ?? null) !== expectedVersion) throw new AppError('PRECONDITION_FAILED', { resource: 'mail_settings' });
        const password =
          input.password === undefined ? (current?.password ?? null) : input.password === null ? null : deps.secret.seal(ctx.workspaceId, input.password);
        const row: Database['mail_settings'] = {
          workspace_id: ctx.workspaceId,
          host: input.host,
          port: input.port,
          secure: input.secure ? 1 : 0,
          username: input.username ?? null,
          password,
          from_address: input.from,
          version: (current?.version ?? 0) + 1,
          updated_at: deps.clock.now().toISOString(),
        };
        if (current) {
          await trx.updateTable('mail_settings').set(row).where('workspace_id', '=', ctx.workspaceId).execute();
        } else {
          await trx.insertInto('mail_settings').values(row).execute();
        }
        await audit(trx, ctx, 'mail_settings.update', { version: row.version, passwordChanged: input.password !== undefined });
        return view(row);
      });
    },

    async remove(db, ctx) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('mail_settings').where('workspace_id', '=', ctx.workspaceId).execute();
        await audit(trx, ctx, 'mail_settings.remove', {});
      });
    },

    async mailerFor(db, workspaceId) {
      const row = await load(db, workspaceId);
      if (!row) return deps.fallback;
      const cached = transports.get(workspaceId);
      if (cached?.version === row.version) return cached.mailer;
      cached?.mailer.close();
      const transport = nodemailer.createTransport({
        host: row.host,
        port: row.port,
        secure: row.secure === 1,
        ...(row.username ? { auth: { user: row.username, pass: row.password ? deps.secret.open(workspaceId, row.password) : '' } } : {}),
      });
      const mailer: Mailer = {
        kind: 'smtp',
        send: async (message) => {
          await transport.sendMail(nodemailerMessage(row.from_address, message));
        },
        close: () => transport.close(),
      };
      transports.set(workspaceId, { version: row.version, mailer });
      return mailer;
    },

    close() {
      for (const { mailer } of transports.values()) mailer.close();
      transports.clear();
    },
  };
}
