import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';
import { verifyWebhook } from '../../src/webhooks/webhook-signature.ts';
import { maxAttempts } from '../../src/webhooks/webhook-dispatcher.ts';

interface Received {
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A real HTTP peer on loopback that answers with the status the test sets. */
function useReceiver() {
  const received: Received[] = [];
  const state = { status: 204, url: '' };
  let server: http.Server | undefined;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = state.status;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });
  return { received, state };
}

describe.each(testDialects)('webhooks on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);
  const receiver = useReceiver();
  const officer = () => ctx().as.privacy_officer;
  const db = () => ctx().t.db.kysely;

  async function api(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) {
    return ctx().app.inject({ method, url, headers: { ...officer(), ...headers }, ...(payload !== undefined ? { payload: payload as object } : {}) });
  }

  async function newPerson(): Promise<{ id: string; pseudonym: string }> {
    const res = await api('POST', '/api/v1/people', { firstName: 'Ada', lastName: 'Lovelace', email: `ada.${Math.random().toString(36).slice(2)}@example.test` });
    expect(res.statusCode).toBe(201);
    const id = res.json<{ id: string }>().id;
    const row = await db().selectFrom('persons').select('pseudonym').where('id', '=', id).executeTakeFirstOrThrow();
    return { id, pseudonym: row.pseudonym };
  }

  const deliveriesCount = async () => Number((await db().selectFrom('webhook_deliveries').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  let endpointId = '';
  let secret = '';

  it('refuses a bad endpoint with a problem naming the field, and stores nothing', async () => {
    for (const body of [
      { url: 'not a url', eventTypes: ['*'] },
      { url: 'ftp://hooks.example.test/x', eventTypes: ['*'] },
      { url: 'https://user:pw@hooks.example.test/x', eventTypes: ['*'] },
      { url: 'https://hooks.example.test/x', eventTypes: [] },
      { url: 'https://hooks.example.test/x', eventTypes: ['person.teleported'] },
    ]) {
      const res = await api('POST', '/api/v1/webhooks', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await api('GET', '/api/v1/webhooks')).json<{ items: unknown[] }>().items).toHaveLength(0);
  });

  it('creates an endpoint and shows its secret only once', async () => {
    const res = await api('POST', '/api/v1/webhooks', { url: receiver.state.url, eventTypes: ['person.restricted', 'person.restriction_lifted', 'consent.changed', 'person.erased'], description: 'CRM sync' });
    expect(res.statusCode).toBe(201);
    const body = res.json<{ endpoint: { id: string; active: boolean }; secret: string }>();
    expect(body.secret).toMatch(/^whsec_/);
    expect(body.endpoint.active).toBe(true);
    endpointId = body.endpoint.id;
    secret = body.secret;
    const read = await api('GET', `/api/v1/webhooks/${endpointId}`);
    expect(read.body).not.toContain(secret.slice(6, 20));
    const stored = await db().selectFrom('webhook_endpoints').select('secret').where('id', '=', endpointId).executeTakeFirstOrThrow();
    expect(Buffer.from(stored.secret).toString('utf8')).not.toContain(secret.slice(6));
  });

  it('delivers a restriction as a signed event naming the person only by pseudonym', async () => {
    const person = await newPerson();
    receiver.received.length = 0;
    const set = await api('PUT', `/api/v1/people/${person.id}/restriction`, { reason: 'accuracy_contested' });
    expect(set.statusCode).toBe(201);
    const result = await ctx().services.webhooks.dispatcher.dispatchDue(db());
    expect(result.delivered).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!;
    const ok = verifyWebhook(
      secret,
      { id: String(got.headers['webhook-id']), timestamp: String(got.headers['webhook-timestamp']), signature: String(got.headers['webhook-signature']) },
      got.body,
      Math.floor(ctx().clock.now().getTime() / 1000),
    );
    expect(ok).toBe(true);
    expect(verifyWebhook('whsec_' + Buffer.alloc(32, 1).toString('base64'), { id: String(got.headers['webhook-id']), timestamp: String(got.headers['webhook-timestamp']), signature: String(got.headers['webhook-signature']) }, got.body, Math.floor(ctx().clock.now().getTime() / 1000))).toBe(false);
    const payload = JSON.parse(got.body) as { type: string; data: Record<string, unknown> };
    expect(payload.type).toBe('person.restricted');
    expect(payload.data).toMatchObject({ subjectPseudonym: person.pseudonym, reason: 'accuracy_contested' });
    expect(got.body).not.toContain('Lovelace');
    expect(got.body).not.toContain('example.test');
  });

  it('retries a failing endpoint with backoff, gives up after the last attempt, and can redeliver', async () => {
    const person = await newPerson();
    receiver.state.status = 500;
    await api('PUT', `/api/v1/people/${person.id}/restriction`, { reason: 'unlawful_processing' });
    const first = await ctx().services.webhooks.dispatcher.dispatchDue(db());
    expect(first).toMatchObject({ delivered: 0, failed: 1 });
    // Not due again until the first delay has passed.
    expect(await ctx().services.webhooks.dispatcher.dispatchDue(db())).toMatchObject({ failed: 0 });
    for (let i = 2; i <= maxAttempts; i++) {
      ctx().clock.advance(11 * 3_600_000);
      await ctx().services.webhooks.dispatcher.dispatchDue(db());
    }
    const list = await api('GET', `/api/v1/webhooks/${endpointId}/deliveries?status=dead`);
    const dead = list.json<{ items: { id: string; attempts: number; lastError: string }[] }>().items;
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ attempts: maxAttempts, lastError: 'http_500' });
    const attempts = await api('GET', `/api/v1/webhooks/${endpointId}/deliveries/${dead[0]!.id}/attempts`);
    expect(attempts.json<{ items: unknown[] }>().items).toHaveLength(maxAttempts);

    // The delivery is addressed under its own endpoint only.
    const other = await api('POST', '/api/v1/webhooks', { url: receiver.state.url, eventTypes: ['consent.changed'] });
    const otherId = other.json<{ endpoint: { id: string } }>().endpoint.id;
    expect((await api('GET', `/api/v1/webhooks/${otherId}/deliveries/${dead[0]!.id}/attempts`)).statusCode).toBe(404);
    expect((await api('POST', `/api/v1/webhooks/${otherId}/deliveries/${dead[0]!.id}/redeliver`)).statusCode).toBe(404);
    expect((await api('DELETE', `/api/v1/webhooks/${otherId}`)).statusCode).toBe(204);

    receiver.state.status = 200;
    const again = await api('POST', `/api/v1/webhooks/${endpointId}/deliveries/${dead[0]!.id}/redeliver`);
    expect(again.statusCode).toBe(202);
    expect(await ctx().services.webhooks.dispatcher.dispatchDue(db())).toMatchObject({ delivered: 1 });
  });

  it('sends nothing for a change that rolled back, and holds deliveries while the endpoint is paused', async () => {
    const before = await deliveriesCount();
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await ctx().services.privacyEvents.emit(trx, { type: 'consent.changed', workspaceId: ctx().workspaceId, subjectPseudonym: null, data: { purpose: 'email_marketing', state: 'given' } });
          throw new Error('the change failed');
        }),
    ).rejects.toThrow('the change failed');
    expect(await deliveriesCount()).toBe(before);

    const current = await api('GET', `/api/v1/webhooks/${endpointId}`);
    const noMatch = await api('PATCH', `/api/v1/webhooks/${endpointId}`, { active: false }, { 'if-match': '"999"' });
    expect(noMatch.statusCode).toBe(412);
    const paused = await api('PATCH', `/api/v1/webhooks/${endpointId}`, { active: false }, { 'if-match': String(current.headers.etag) });
    expect(paused.statusCode).toBe(200);
    const person = await newPerson();
    receiver.received.length = 0;
    await api('PUT', `/api/v1/people/${person.id}/restriction`, { reason: 'accuracy_contested' });
    // The event reaches the outbox only when the cache of subscribers was refreshed: paused endpoints get nothing new.
    await ctx().services.webhooks.dispatcher.dispatchDue(db());
    expect(receiver.received).toHaveLength(0);
  });

  it('answers 404 for an unknown endpoint and deletes one with its log', async () => {
    const missing = await api('GET', '/api/v1/webhooks/00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    const del = await api('DELETE', `/api/v1/webhooks/${endpointId}`);
    expect(del.statusCode).toBe(204);
    expect(await deliveriesCount()).toBe(0);
  });

  it('is refused to roles without webhooks:manage', async () => {
    const res = await ctx().app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: ctx().as.sales });
    expect(res.statusCode).toBe(403);
  });
});
