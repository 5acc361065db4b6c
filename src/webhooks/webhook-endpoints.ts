import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../kernel/audit/audit-log.ts';
import type { Clock } from '../kernel/clock.ts';
import type { DialectName } from '../db/database.ts';
import { privacyEventTypes } from '../kernel/events/privacy-events.ts';
import type { ActorContext } from '../kernel/gate/processing-context.ts';
import type { SecretBox } from '../kernel/crypto/secret-box.ts';
import { newWebhookSecret } from './webhook-signature.ts';

/** An endpoint as the API shows it (never the secret). */
export interface WebhookEndpoint {
  readonly id: string;
  readonly url: string;
  readonly description: string;
  /** Privacy event types delivered, or `['*']` for all. */
  readonly eventTypes: string[];
  readonly active: boolean;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface WebhookEndpointInput {
  readonly url: string;
  readonly description?: string;
  readonly eventTypes: readonly string[];
  readonly active?: boolean;
}

export interface WebhookEndpoints {
  /** Creates an endpoint; the signing secret is returned here and never again. */
  create(db: Kysely<Database>, ctx: ActorContext, input: WebhookEndpointInput): Promise<{ endpoint: WebhookEndpoint; secret: string }>;
  list(db: Kysely<Database>, workspaceId: string): Promise<WebhookEndpoint[]>;
  get(db: Kysely<Database>, workspaceId: string, id: string): Promise<WebhookEndpoint>;
  update(db: Kysely<Database>, ctx: ActorContext, id: string, expectedVersion: number, input: Partial<WebhookEndpointInput>): Promise<WebhookEndpoint>;
  remove(db: Kysely<Database>, ctx: ActorContext, id: string): Promise<void>;
  /** A new secret (returned once); deliveries from now on are signed with it. */
  rotateSecret(db: Kysely<Database>, ctx: ActorContext, id: string): Promise<{ endpoint: WebhookEndpoint; secret: string }>;
  /** The endpoint's secret, for signing. */
  secretOf(row: Pick<Database['webhook_endpoints'], 'id' | 'secret'>): string;
  /** Active endpoints of a workspace subscribed to `type` (cached for a second or two; changes here clear it). */
  subscribersOf(db: Kysely<Database>, workspaceId: string, type: string): Promise<WebhookEndpoint[]>;
}

const subscribable = new Set<string>(['*', ...privacyEventTypes]);

function invalid(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', { detail: `${path.slice(1)}: ${message}`, errors: [{ path, message }] });
}

/**
 * Checks an endpoint URL: absolute http(s), no credentials in it, https outside development and tests (the payload
 * carries pseudonyms and must not cross the network in clear).
 */
export function checkWebhookUrl(raw: string, mode: 'production' | 'development' | 'test'): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('/url', 'must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('/url', 'must use https');
  if (url.protocol === 'http:' && mode === 'production') throw invalid('/url', 'must use https in production');
  if (url.username || url.password) throw invalid('/url', 'must not carry credentials; the signature authenticates us');
  return url.toString();
}

function checkEventTypes(types: readonly string[]): string[] {
  if (types.length === 0) throw invalid('/eventTypes', 'choose at least one event type, or "*"');
  const unknown = types.filter((t) => !subscribable.has(t));
  if (unknown.length > 0) throw invalid('/eventTypes', `unknown event types: ${unknown.join(', ')}`);
  return types.includes('*') ? ['*'] : [...new Set(types)].sort();
}

function toEndpoint(row: Database['webhook_endpoints']): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: JSON.parse(row.event_types) as string[],
    active: row.active === 1,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * The workspace's webhook endpoints. Every change is audited (URL host and event types only).
 *
 * @example
 * const endpoints = createWebhookEndpoints({ dialect, clock, box, mode: config.mode });
 * const { endpoint, secret } = await endpoints.create(db, ctx, { url: 'https://hooks.example.com/custodian', eventTypes: ['*'] });
 */
export function createWebhookEndpoints(deps: {
  readonly dialect: DialectName;
  readonly clock: Clock;
  readonly box: SecretBox;
  readonly mode: 'production' | 'development' | 'test';
  /** How long another process's endpoint changes may take to be seen (default 2 s). */
  readonly cacheTtlMs?: number;
}): WebhookEndpoints {
  const ttl = deps.cacheTtlMs ?? 2000;
  const cache = new Map<string, { at: number; endpoints: WebhookEndpoint[] }>();
  const binding = (id: string) => `webhook_endpoints|${id}|secret`;

  async function rowOrThrow(db: Kysely<Database>, workspaceId: string, id: string) {
    const row = await db.selectFrom('webhook_endpoints').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', { resource: 'webhook endpoint' });
    return row;
  }

  async function audit(trx: Kysely<Database>, ctx: ActorContext, action: string, id: string, details: Record<string, unknown>) {
    await appendAudit(trx, deps, {
      workspaceId: ctx.workspaceId,
      actor: ctx.actor,
      action,
      outcome: 'allowed',
      resourceType: 'webhook_endpoint',
      resourceId: id,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
      details,
    });
  }

  return {
    async create(db, ctx, input) {
      const url = checkWebhookUrl(input.url, deps.mode);
      const eventTypes = checkEventTypes(input.eventTypes);
      const id = randomUUID();
      const secret = newWebhookSecret();
      const now = deps.clock.now().toISOString();
      const row = {
        id,
        workspace_id: ctx.workspaceId,
        url,
        description: input.description ?? '',
        event_types: JSON.stringify(eventTypes),
        secret: deps.box.seal(binding(id), secret),
        active: input.active === false ? 0 : 1,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('webhook_endpoints').values(row).execute();
        await audit(trx, ctx, 'webhook.create', id, { host: new URL(url).host, eventTypes });
      });
      cache.delete(ctx.workspaceId);
      return { endpoint: toEndpoint(row), secret };
    },

    async list(db, workspaceId) {
      const rows = await db.selectFrom('webhook_endpoints').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').orderBy('id').execute();
      return rows.map(toEndpoint);
    },

    async get(db, workspaceId, id) {
      return toEndpoint(await rowOrThrow(db, workspaceId, id));
    },

    async update(db, ctx, id, expected, input) {
      const url = input.url !== undefined ? checkWebhookUrl(input.url, deps.mode) : undefined;
      const eventTypes = input.eventTypes !== undefined ? checkEventTypes(input.eventTypes) : undefined;
      const updated = await db.transaction().execute(async (trx) => {
        const row = await rowOrThrow(trx, ctx.workspaceId, id);
        if (row.version !== expected) throw new AppError('PRECONDITION_FAILED', { detail: 'The webhook endpoint changed since you read it' });
        const next = {
          ...row,
          ...(url !== undefined ? { url } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(eventTypes !== undefined ? { event_types: JSON.stringify(eventTypes) } : {}),
          ...(input.active !== undefined ? { active: input.active ? 1 : 0 } : {}),
          version: row.version + 1,
          updated_at: deps.clock.now().toISOString(),
        };
        await trx.updateTable('webhook_endpoints').set(next).where('id', '=', id).where('version', '=', row.version).execute();
        await audit(trx, ctx, 'webhook.update', id, { host: new URL(next.url).host, eventTypes: JSON.parse(next.event_types), active: next.active === 1 });
        return next;
      });
      cache.delete(ctx.workspaceId);
      return toEndpoint(updated);
    },

    async remove(db, ctx, id) {
      await db.transaction().execute(async (trx) => {
        await rowOrThrow(trx, ctx.workspaceId, id);
        await trx.deleteFrom('webhook_attempts').where('workspace_id', '=', ctx.workspaceId).where('delivery_id', 'in', trx.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', id)).execute();
        await trx.deleteFrom('webhook_deliveries').where('workspace_id', '=', ctx.workspaceId).where('endpoint_id', '=', id).execute();
        await trx.deleteFrom('webhook_endpoints').where('workspace_id', '=', ctx.workspaceId).where('id', '=', id).execute();
        await audit(trx, ctx, 'webhook.delete', id, {});
      });
      cache.delete(ctx.workspaceId);
    },

    async rotateSecret(db, ctx, id) {
      const secret = newWebhookSecret();
      const updated = await db.transaction().execute(async (trx) => {
        const row = await rowOrThrow(trx, ctx.workspaceId, id);
        const next = { ...row, secret: deps.box.seal(binding(id), secret), version: row.version + 1, updated_at: deps.clock.now().toISOString() };
        await trx.updateTable('webhook_endpoints').set({ secret: next.secret, version: next.version, updated_at: next.updated_at }).where('id', '=', id).execute();
        await audit(trx, ctx, 'webhook.rotate_secret', id, {});
        return next;
      });
      return { endpoint: toEndpoint(updated), secret };
    },

    secretOf(row) {
      return deps.box.open(binding(row.id), row.secret);
    },

    async subscribersOf(db, workspaceId, type) {
      const now = Date.now();
      let entry = cache.get(workspaceId);
      if (!entry || now - entry.at > ttl) {
        const rows = await db.selectFrom('webhook_endpoints').selectAll().where('workspace_id', '=', workspaceId).where('active', '=', 1).execute();
        entry = { at: now, endpoints: rows.map(toEndpoint) };
        cache.set(workspaceId, entry);
      }
      return entry.endpoints.filter((e) => e.eventTypes.includes('*') || e.eventTypes.includes(type));
    },
  };
}
