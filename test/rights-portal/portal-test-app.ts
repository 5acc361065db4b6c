import type { ReceivedMail } from '../identity/smtp-peer.ts';
import { createWorkspace } from '../../src/workspaces/create-workspace.ts';
import { workspaceSeeders } from '../../src/bootstrap.ts';
import type { ChannelsTestApp } from '../consent-channels/channels-test-app.ts';
import { publicUrl } from '../consent-channels/channels-test-app.ts';

export { publicUrl };

/** The people and the second workspace a portal test needs. */
export interface PortalFixture {
  readonly knownEmail: string;
  readonly otherWorkspaceId: string;
}

/** Creates a person we hold (with `knownEmail`) and a second workspace. */
export async function portalFixture(c: ChannelsTestApp, knownEmail: string): Promise<PortalFixture> {
  const owner = { ...c.system, purpose: 'crm', role: { purposes: ['*'], dataCategories: ['*'] } };
  await c.services.people.create(owner, { firstName: 'Known', lastName: 'Person', email: knownEmail });
  const otherWorkspaceId = await createWorkspace(
    { db: c.t.db.kysely, clock: c.clock, seeders: workspaceSeeders },
    { name: 'Other organisation' },
  );
  return { knownEmail, otherWorkspaceId };
}

/** Submits a request as a JSON client (the HTML form posts the same fields). */
export function submitRequest(
  c: ChannelsTestApp,
  body: Record<string, unknown>,
  options: { ip?: string; workspaceId?: string; headers?: Record<string, string> } = {},
) {
  return c.app.inject({
    method: 'POST',
    url: `/privacy/${options.workspaceId ?? c.workspaceId}`,
    remoteAddress: options.ip ?? '198.51.100.10',
    headers: options.headers ?? {},
    payload: { type: 'access', language: 'en', ...body },
  });
}

/** Types a code. */
export function verifyCode(
  c: ChannelsTestApp,
  verification: string,
  code: string,
  options: { ip?: string; workspaceId?: string } = {},
) {
  return c.app.inject({
    method: 'POST',
    url: `/privacy/${options.workspaceId ?? c.workspaceId}/verify`,
    remoteAddress: options.ip ?? '198.51.100.10',
    payload: { verification, code },
  });
}

/** Every message received for an address so far. */
export function mailsTo(c: ChannelsTestApp, address: string): ReceivedMail[] {
  return c.mail.messages.filter((m) => m.to.includes(address));
}

/** Waits until `count` messages reached the address (mail leaves after the answer). */
export async function waitForMails(
  c: ChannelsTestApp,
  address: string,
  count: number,
): Promise<ReceivedMail[]> {
  for (let i = 0; i < 500; i++) {
    const found = mailsTo(c, address);
    if (found.length >= count) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`expected ${count} message(s) for the address, got ${mailsTo(c, address).length}`);
}

/** The 6-digit code in a verification email (en, fr, de). */
export function codeIn(mail: ReceivedMail): string {
  const match = mail.text.match(/[Cc]ode ?: (\d{6})/);
  if (!match?.[1]) throw new Error('no code in the message');
  return match[1];
}

/** The token of a portal link `<publicUrl>/privacy/<ws>/<kind>/<token>` in a message. */
export function portalLinkIn(
  mail: ReceivedMail,
  kind: 'verify' | 'status' | 'download',
): { workspaceId: string; token: string } {
  const escaped = publicUrl.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const match = mail.text.match(new RegExp(`${escaped}/privacy/([A-Za-z0-9_-]+)/${kind}/([A-Za-z0-9_.-]+)`));
  if (!match?.[1] || !match[2]) throw new Error(`no ${kind} link in the message`);
  return { workspaceId: match[1], token: match[2] };
}

/** Audit entries of the workspace with this action. */
export async function auditEntries(c: ChannelsTestApp, action: string, workspaceId = c.workspaceId) {
  return c.t.db.kysely
    .selectFrom('audit_log')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('action', '=', action)
    .orderBy('seq')
    .execute();
}

/** Number of requests stored in the workspace. */
export async function requestCount(c: ChannelsTestApp, workspaceId = c.workspaceId): Promise<number> {
  const row = await c.t.db.kysely
    .selectFrom('requests')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
