import type { Kysely } from 'kysely';
import type { DialectName } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../kernel/audit/audit-log.ts';
import type { Clock } from '../kernel/clock.ts';
import type { ActorContext } from '../kernel/gate/processing-context.ts';
import { createHttpSmsGateway, type SmsSender } from './sms-gateway.ts';
import type { SmsTokenSecret } from './sms-token-secret.ts';

/** SMS gateway settings as the console sees them: the token is write-only (only whether one is set). */
export interface SmsSettingsView {
  readonly url: string;
  readonly sender: string;
  readonly tokenSet: boolean;
  readonly timeoutMs: number;
  readonly version: number;
  readonly updatedAt: string;
}

/** What the console saves. `token`: a new one, `null` to remove it, absent to keep the stored one. */
export interface SmsSettingsInput {
  readonly url: string;
  readonly sender: string;
  readonly token?: string | null | undefined;
  readonly timeoutMs?: number | undefined;
}

export interface SmsSettingsStore {
  /** The workspace's SMS settings, or undefined when it has none (no SMS is sent then). */
  find(db: Kysely<Database>, workspaceId: string): Promise<SmsSettingsView | undefined>;
  /** Saves (audited: the URL's host and the version, never the token); `PRECONDITION_FAILED` when `expectedVersion` is stale. */
  save(db: Kysely<Database>, ctx: ActorContext, input: SmsSettingsInput, expectedVersion: number | null): Promise<SmsSettingsView>;
  /** Removes the settings: the portal stops offering "text me a code". */
  remove(db: Kysely<Database>, ctx: ActorContext): Promise<void>;
  /** The workspace's gateway, or undefined when SMS is not configured. */
  senderFor(db: Kysely<Database>, workspaceId: string): Promise<SmsSender | undefined>;
}

export const defaultSmsTimeoutMs = 10_000;
/** Alphanumeric sender ids are at most 11 characters; numbers up to 15 digits with `+`. */
const senderPattern = /^(?:[A-Za-z0-9][A-Za-z0-9 ._-]{0,10}|\+?[0-9]{3,15})$/;

/**
 * Checks a gateway URL: absolute http(s), no credentials in it (the bearer token is the credential), https in
 * production (message bodies carry one-time codes and the numbers are personal data). Returns the URL normalised.
 *
 * @example
 * checkSmsGatewayUrl('https://sms.example.com/send', 'production'); // 'https://sms.example.com/send'
 */
export function checkSmsGatewayUrl(raw: string, mode: 'production' | 'development' | 'test'): string {
  const fail = (message: string) => new AppError('VALIDATION_FAILED', { detail: `url: ${message}`, errors: [{ path: '/url', message }] });
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw fail('must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw fail('must use https');
  if (url.protocol === 'http:' && mode === 'production') throw fail('must use https in production');
  if (url.username || url.password) throw fail('must not carry credentials; set the token instead');
  if (url.hash) throw fail('must not have a fragment');
  if (raw.length > 500) throw fail('must be at most 500 characters');
  return url.toString();
}

function validate(input: SmsSettingsInput, mode: 'production' | 'development' | 'test'): { url: string; timeoutMs: number } {
  const errors: { path: string; message: string }[] = [];
  let url = '';
  try {
    url = checkSmsGatewayUrl(input.url, mode);
  } catch (error) {
    errors.push(...((error as AppError).details.errors as { path: string; message: string }[]));
  }
  if (!senderPattern.test(input.sender)) errors.push({ path: '/sender', message: 'must be up to 11 letters or digits, or a phone number' });
  if (typeof input.token === 'string' && (input.token.length < 1 || input.token.length > 500 || /[\s]/.test(input.token)))
    errors.push({ path: '/token', message: 'must be 1 to 500 characters without spaces' });
  const timeoutMs = input.timeoutMs ?? defaultSmsTimeoutMs;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1000 || timeoutMs > 30_000) errors.push({ path: '/timeoutMs', message: 'must be 1000 to 30000' });
  if (errors.length > 0) throw new AppError('VALIDATION_FAILED', { detail: 'Some settings are not valid', errors });
  return { url, timeoutMs };
}

/**
 * SMS gateway settings per workspace, entered in the console (there is no server-wide SMS default: without settings
 * the workspace sends no SMS and the portal does not offer it).
 *
 * @example
 * const sms = createSmsSettingsStore({ dialect, clock, secret, mode: config.mode });
 * await sms.save(db, ctx, { url: 'https://sms.example.com/send', sender: 'Acme', token: 'tok' }, null);
 * await (await sms.senderFor(db, workspaceId))?.send({ to: '+447700900123', body: 'Hello' });
 */
export function createSmsSettingsStore(deps: {
  readonly dialect: DialectName;
  readonly clock: Clock;
  readonly secret: SmsTokenSecret;
  readonly mode: 'production' | 'development' | 'test';
}): SmsSettingsStore {
  const view = (row: Database['sms_settings']): SmsSettingsView => ({
    url: row.url,
    sender: row.sender,
    tokenSet: row.token !== null,
    timeoutMs: row.timeout_ms,
    version: row.version,
    updatedAt: row.updated_at,
  });
  const load = (db: Kysely<Database>, workspaceId: string) =>
    db.selectFrom('sms_settings').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
  const audit = (trx: Kysely<Database>, ctx: ActorContext, action: string, details: Record<string, unknown>) =>
    appendAudit(trx, deps, {
      workspaceId: ctx.workspaceId,
      actor: ctx.actor,
      action,
      outcome: 'allowed',
      resourceType: 'sms_settings',
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
      const clean = validate(input, deps.mode);
      return db.transaction().execute(async (trx) => {
        const current = await load(trx, ctx.workspaceId);
        if ((current?.version ?? null) !== expectedVersion) throw new AppError('PRECONDITION_FAILED', { resource: 'sms_settings' });
        const token =
          input.token === undefined ? (current?.token ?? null) : input.token === null ? null : deps.secret.seal(ctx.workspaceId, input.token);
        const row: Database['sms_settings'] = {
          workspace_id: ctx.workspaceId,
          url: clean.url,
          sender: input.sender,
          token,
          timeout_ms: clean.timeoutMs,
          version: (current?.version ?? 0) + 1,
          updated_at: deps.clock.now().toISOString(),
        };
        if (current) await trx.updateTable('sms_settings').set(row).where('workspace_id', '=', ctx.workspaceId).execute();
        else await trx.insertInto('sms_settings').values(row).execute();
        await audit(trx, ctx, 'sms_settings.update', { version: row.version, host: new URL(clean.url).host, tokenChanged: input.token !== undefined });
        return view(row);
      });
    },

    async remove(db, ctx) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('sms_settings').where('workspace_id', '=', ctx.workspaceId).execute();
        await audit(trx, ctx, 'sms_settings.remove', {});
      });
    },

    async senderFor(db, workspaceId) {
      const row = await load(db, workspaceId);
      if (!row) return undefined;
      return createHttpSmsGateway({
        url: row.url,
        sender: row.sender,
        token: row.token ? deps.secret.open(workspaceId, row.token) : null,
        timeoutMs: row.timeout_ms,
      });
    },
  };
}
