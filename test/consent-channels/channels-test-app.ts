import { afterAll, beforeAll } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import type { DialectName } from '../../src/db/database.ts';
import { ensureFirstStart } from '../../src/bootstrap.ts';
import { buildApp, type App } from '../../src/http/app.ts';
import type { AppServices } from '../../src/http/app-services.ts';
import { createFixedClock, type FixedClock } from '../../src/kernel/clock.ts';
import type { ActorContext, ProcessingContext } from '../../src/kernel/gate/processing-context.ts';
import { createAppServices } from '../../src/services.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { insertTokenForRole } from '../support/owner-token.ts';
import { useSmtpPeer, type ReceivedMail } from '../identity/smtp-peer.ts';

export const publicUrl = 'https://crm.example.test';
export const shopOrigin = 'https://shop.example.test';

export interface ChannelsTestApp {
  readonly app: App;
  readonly t: TestDatabase;
  readonly clock: FixedClock;
  readonly config: Config;
  readonly services: AppServices;
  readonly workspaceId: string;
  readonly as: { owner: { authorization: string }; privacy_officer: { authorization: string } };
  /** Mail the in-process SMTP peer received. */
  readonly mail: { messages: ReceivedMail[]; waitFor(count: number): Promise<ReceivedMail[]> };
  readonly system: ActorContext;
}

/**
 * A whole app on a fresh database, mail going to a real SMTP peer in this process, `email_marketing` active with a
 * published English notice, and bearer tokens for the owner and the privacy officer.
 */
export function useChannelsTestApp(dialect: DialectName): () => ChannelsTestApp {
  const env: Record<string, string> = {};
  const mail = useSmtpPeer(env);
  let ctx: ChannelsTestApp | undefined;
  beforeAll(async () => {
    const t = await createTestDatabase(dialect);
    const clock = createFixedClock('2026-03-02T10:00:00.000Z');
    const config = loadConfig({
      CUSTODIAN_MODE: 'test',
      CUSTODIAN_DATA_DIR: t.dataDir,
      CUSTODIAN_ADMIN_EMAIL: 'owner@example.test',
      CUSTODIAN_ADMIN_PASSWORD: 'correct horse battery staple 42',
      CUSTODIAN_PUBLIC_URL: publicUrl,
      ...(t.postgresUrl ? { CUSTODIAN_DATABASE_URL: t.postgresUrl } : {}),
      ...env,
    });
    const first = await ensureFirstStart({ config, db: t.db, clock });
    const services = await createAppServices({ config, db: t.db, clock });
    const app = await buildApp({ config, db: t.db, clock, logger: false, ...services });
    await app.ready();
    const system: ActorContext = { workspaceId: first.workspaceId, actor: { type: 'system', id: 'test-setup' } };
    await services.purposes.setActive(t.db.kysely, system, 'email_marketing', true);
    const draft = await services.notices.createDraft(t.db.kysely, system, { purpose: 'email_marketing', language: 'en', title: 'Newsletter privacy notice' });
    await services.notices.publish(t.db.kysely, system, draft.id);
    const as = {
      owner: { authorization: `Bearer ${(await insertTokenForRole(t.db.kysely, first.workspaceId, 'owner')).token}` },
      privacy_officer: { authorization: `Bearer ${(await insertTokenForRole(t.db.kysely, first.workspaceId, 'privacy_officer')).token}` },
    };
    ctx = { app, t, clock, config, services, workspaceId: first.workspaceId, as, mail, system };
  });
  afterAll(async () => {
    await ctx?.app.close();
    await ctx?.t.destroy();
  });
  return () => {
    if (!ctx) throw new Error('test app not ready');
    return ctx;
  };
}

/** A newsletter form allowing the shop's origin (double opt-in unless told otherwise); returns its id. */
export async function createNewsletterForm(c: ChannelsTestApp, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await c.app.inject({
    method: 'POST',
    url: '/api/v1/consent-forms',
    headers: c.as.privacy_officer,
    payload: {
      name: 'Newsletter',
      title: 'Our newsletter',
      language: 'en',
      purposes: [{ key: 'email_marketing', label: 'Send me the monthly newsletter' }],
      fields: [{ name: 'email' }, { name: 'firstName' }],
      allowedOrigins: [shopOrigin],
      ...overrides,
    },
  });
  if (res.statusCode !== 201) throw new Error(`form not created: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}

/** Submits a form as the widget on the shop's page would. */
export function submitFromShop(c: ChannelsTestApp, formId: string, body: Record<string, unknown>, headers: Record<string, string> = {}, ip = '203.0.113.7') {
  return c.app.inject({
    method: 'POST',
    url: `/api/v1/public/forms/${formId}/submissions`,
    headers: { origin: shopOrigin, 'user-agent': 'Mozilla/5.0 test', ...headers },
    remoteAddress: ip,
    payload: { pageUrl: `${shopOrigin}/news?ref=mail`, ...body },
  });
}

/** Rows that would show something was recorded: consent events, people, pending confirmations. */
export async function recordedCounts(c: ChannelsTestApp): Promise<{ events: number; persons: number; confirmations: number }> {
  const db = c.t.db.kysely;
  const count = async (table: 'consent_events' | 'persons' | 'consent_confirmations') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('workspace_id', '=', c.workspaceId).executeTakeFirstOrThrow()).n);
  return { events: await count('consent_events'), persons: await count('persons'), confirmations: await count('consent_confirmations') };
}

/** The person with this email, found through the kernel (undefined when none). */
export async function personByEmail(c: ChannelsTestApp, email: string): Promise<string | undefined> {
  const ctx: ProcessingContext = { ...c.system, purpose: 'consent_records', role: { purposes: ['*'], dataCategories: ['*'] } };
  return (await c.services.people.lookup(ctx, { field: 'email', value: email }))[0]?.id;
}

/** The current consent state of a person for `email_marketing`. */
export async function marketingState(c: ChannelsTestApp, personId: string): Promise<string> {
  const records = await c.services.consent.recordsOf(c.t.db.kysely, c.system, personId);
  return records.find((r) => r.purpose === 'email_marketing')?.state ?? 'none';
}

/** Whether the gate lets email marketing reach the person now. */
export async function gateAllowsMarketing(c: ChannelsTestApp, personId: string): Promise<boolean> {
  const ctx: ProcessingContext = { ...c.system, purpose: 'email_marketing', role: { purposes: ['*'], dataCategories: ['*'] } };
  try {
    await c.services.gate.check(c.t.db.kysely, ctx, { personIds: [personId], operation: 'send', attributes: { entity: 'person', names: ['email'] } });
    return true;
  } catch {
    return false;
  }
}

/** The token of a link `<publicUrl>/<kind>/<token>` in a received message. */
export function linkToken(mail: ReceivedMail, kind: 'c' | 'u' | 'p'): string {
  const match = mail.text.match(new RegExp(`${publicUrl.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/${kind}/([A-Za-z0-9_.-]+)`));
  if (!match?.[1]) throw new Error(`no /${kind}/ link in the message`);
  return match[1];
}

/** A header of a received message (unfolded). */
export function mailHeader(mail: ReceivedMail, name: string): string | undefined {
  const head = mail.raw.split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const line = unfolded.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

/** The `nth` message (from 1) received for an address, waiting for it to arrive (other tests' mail may interleave). */
export async function mailTo(c: ChannelsTestApp, address: string, nth = 1): Promise<ReceivedMail> {
  for (let i = 0; i < 500; i++) {
    const found = c.mail.messages.filter((m) => m.to.includes(address));
    if (found.length >= nth) return found[nth - 1]!;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no message ${nth} for the address`);
}
