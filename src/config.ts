import path from 'node:path';
import { AppError } from './errors.ts';

/** Settings read once from the environment at start, validated and frozen. */
export interface Config {
  /** TCP port the server listens on. */
  readonly port: number;
  /** Address the server binds to. */
  readonly host: string;
  /** Folder for the SQLite file, generated keys, the audit checkpoints, the mail outbox. */
  readonly dataDir: string;
  /** `undefined` means the embedded SQLite database in `dataDir`; otherwise a `postgres://` URL. Secret. */
  readonly databaseUrl: string | undefined;
  /** Paths of the PEM certificate and key; both set means HTTPS. */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  /** `development` relaxes the session cookie on plain-HTTP localhost only. */
  readonly mode: 'production' | 'development' | 'test';
  /** First owner account, used only when no user exists yet. Password is secret. */
  readonly adminEmail: string | undefined;
  readonly adminPassword: string | undefined;
  /** Proxies whose `X-Forwarded-For` is believed (IP addresses). */
  readonly trustedProxies: readonly string[];
  /** Public base URL used in emailed links. */
  readonly publicUrl: string;
  /** SMTP URL (`smtp://user:pass@host:port`); absent means a file outbox in the data dir. Secret. */
  readonly smtpUrl: string | undefined;
  /** Sender address of outgoing email. */
  readonly mailFrom: string;
  /** Base64 key-encryption key; absent means a key file in the data dir. Secret. */
  readonly masterKey: string | undefined;
  /** Base64 previous key-encryption key, accepted for unwrapping while `custodian keys rotate` runs. Secret. */
  readonly masterKeyPrevious: string | undefined;
  /** Log level for pino. */
  readonly logLevel: string;
  /** Maximum request body in bytes. */
  readonly bodyLimit: number;
  /** A session unused this long ends. */
  readonly sessionIdleMinutes: number;
  /** A session ends this long after sign-in whatever its use. */
  readonly sessionAbsoluteHours: number;
}

/** Names of config fields that must never be logged. */
export const secretConfigKeys = ['databaseUrl', 'adminPassword', 'smtpUrl', 'masterKey', 'masterKeyPrevious'] as const;

type Env = Record<string, string | undefined>;

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 8080;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new AppError('CONFIG_INVALID', { detail: 'PORT must be an integer between 0 and 65535' });
  }
  return port;
}

function positive(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new AppError('CONFIG_INVALID', { detail: `${name} must be a positive integer` });
  }
  return value;
}

function parseMode(raw: string | undefined): Config['mode'] {
  const mode = raw ?? 'production';
  if (mode === 'production' || mode === 'development' || mode === 'test') return mode;
  throw new AppError('CONFIG_INVALID', { detail: 'CUSTODIAN_MODE must be production, development or test' });
}

/**
 * Reads the configuration from an environment (defaults to `process.env`).
 *
 * @example
 * const config = loadConfig({ PORT: '3000' });
 * config.port; // 3000
 */
export function loadConfig(env: Env = process.env): Config {
  const databaseUrl = env.CUSTODIAN_DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new AppError('CONFIG_INVALID', { detail: 'CUSTODIAN_DATABASE_URL must be a postgres:// URL' });
  }
  const certFile = env.CUSTODIAN_TLS_CERT || undefined;
  const keyFile = env.CUSTODIAN_TLS_KEY || undefined;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new AppError('CONFIG_INVALID', { detail: 'CUSTODIAN_TLS_CERT and CUSTODIAN_TLS_KEY go together' });
  }
  const port = parsePort(env.PORT);
  const bodyLimit = positive(env.CUSTODIAN_BODY_LIMIT, 1024 * 1024, 'CUSTODIAN_BODY_LIMIT');
  const scheme = certFile ? 'https' : 'http';
  const config: Config = {
    port,
    host: env.HOST || '127.0.0.1',
    dataDir: path.resolve(env.CUSTODIAN_DATA_DIR || './data'),
    databaseUrl,
    tls: certFile && keyFile ? Object.freeze({ certFile, keyFile }) : undefined,
    mode: parseMode(env.CUSTODIAN_MODE),
    adminEmail: env.CUSTODIAN_ADMIN_EMAIL || undefined,
    adminPassword: env.CUSTODIAN_ADMIN_PASSWORD || undefined,
    trustedProxies: Object.freeze(
      (env.CUSTODIAN_TRUSTED_PROXIES ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
    publicUrl: (env.CUSTODIAN_PUBLIC_URL || `${scheme}://localhost:${port}`).replace(/\/$/, ''),
    smtpUrl: env.CUSTODIAN_SMTP_URL || undefined,
    mailFrom: env.CUSTODIAN_MAIL_FROM || 'Custodian <no-reply@localhost>',
    masterKey: env.CUSTODIAN_MASTER_KEY || undefined,
    masterKeyPrevious: env.CUSTODIAN_MASTER_KEY_PREVIOUS || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    bodyLimit,
    sessionIdleMinutes: positive(env.CUSTODIAN_SESSION_IDLE_MINUTES, 30, 'CUSTODIAN_SESSION_IDLE_MINUTES'),
    sessionAbsoluteHours: positive(env.CUSTODIAN_SESSION_ABSOLUTE_HOURS, 12, 'CUSTODIAN_SESSION_ABSOLUTE_HOURS'),
  };
  return Object.freeze(config);
}

/** A copy of the config safe to log: secrets replaced by `[secret]`. */
export function redactConfig(config: Config): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...config };
  for (const key of secretConfigKeys) if (copy[key] !== undefined) copy[key] = '[secret]';
  return copy;
}
