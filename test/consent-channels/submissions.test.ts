import { describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { createNewsletterForm, personByEmail, publicUrl, recordedCounts, shopOrigin, submitFromShop, useChannelsTestApp } from './channels-test-app.ts';

describe.each(testDialects)('public form submissions refuse bad input and record nothing false on %s', (dialect) => {
  const ctx = useChannelsTestApp(dialect);

  it('answers CORS only for the allowed origins, preflight included; another origin is refused and nothing recorded', async () => {
    const c = ctx();
    const id = await createNewsletterForm(c);
    const ok = await c.app.inject({ method: 'OPTIONS', url: `/api/v1/public/forms/${id}/submissions`, headers: { origin: shopOrigin, 'access-control-request-method': 'POST' } });
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(shopOrigin);
    expect(ok.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const evil = await c.app.inject({ method: 'OPTIONS', url: `/api/v1/public/forms/${id}/submissions`, headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(evil.statusCode).toBe(403);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const before = await recordedCounts(c);
    const post = await submitFromShop(c, id, { email: 'eve@example.org', purposes: ['email_marketing'] }, { origin: 'https://evil.example' }, '198.51.100.1');
    expect(post.statusCode).toBe(403);
    expect(post.json().code).toBe('ORIGIN_NOT_ALLOWED');
    expect(post.headers['access-control-allow-origin']).toBeUndefined();
    expect(await recordedCounts(c)).toEqual(before);
  });

  it('unknown forms, unticked boxes, purposes the form does not offer, missing or malformed emails: a clear refusal, nothing recorded', async () => {
    const c = ctx();
    const id = await createNewsletterForm(c);
    const before = await recordedCounts(c);
    const unknown = await submitFromShop(c, '00000000-0000-4000-8000-000000000000', { email: 'a@example.org', purposes: ['email_marketing'] }, {}, '198.51.100.2');
    expect(unknown.statusCode).toBe(404);
    const unticked = await submitFromShop(c, id, { email: 'a@example.org' }, {}, '198.51.100.2');
    expect(unticked.statusCode).toBe(400);
    expect(JSON.stringify(unticked.json().errors)).toContain('tick at least one box');
    const other = await submitFromShop(c, id, { email: 'a@example.org', purposes: ['crm'] }, {}, '198.51.100.2');
    expect(other.statusCode).toBe(400);
    const noEmail = await submitFromShop(c, id, { purposes: ['email_marketing'] }, {}, '198.51.100.3');
    expect(noEmail.statusCode).toBe(400);
    const badEmail = await submitFromShop(c, id, { email: 'nobody-at-nowhere', purposes: ['email_marketing'] }, {}, '198.51.100.3');
    expect(badEmail.statusCode).toBe(400);
    expect(badEmail.body).not.toContain('nobody-at-nowhere');
    const extra = await submitFromShop(c, id, { email: 'a@example.org', purposes: ['email_marketing'], password: 'x' }, {}, '198.51.100.3');
    expect(extra.statusCode).toBe(400);
    expect(await recordedCounts(c)).toEqual(before);
  });

  it('a filled honeypot and a suppressed address are answered exactly like a success, and nothing is recorded', async () => {
    const c = ctx();
    const id = await createNewsletterForm(c);
    const real = await submitFromShop(c, id, { email: 'first@example.org', purposes: ['email_marketing'] }, {}, '198.51.100.4');
    expect(real.statusCode).toBe(200);
    const before = await recordedCounts(c);
    const bot = await submitFromShop(c, id, { email: 'bot@example.org', purposes: ['email_marketing'], homepage: 'http://spam.example' }, {}, '198.51.100.5');
    expect(bot.statusCode).toBe(200);
    expect(bot.json()).toEqual(real.json());
    const hashes = c.services.suppression.hashes(c.workspaceId, { email: 'gone@example.org' });
    await c.services.suppression.add(c.t.db.kysely, c.workspaceId, hashes, { reason: 'erased', at: c.clock.now().toISOString(), runId: null });
    const suppressed = await submitFromShop(c, id, { email: 'Gone@Example.org', purposes: ['email_marketing'] }, {}, '198.51.100.6');
    expect(suppressed.statusCode).toBe(200);
    expect(suppressed.json()).toEqual(real.json());
    expect(await recordedCounts(c)).toEqual(before);
  });

  it('refuses oversized bodies (413) and floods from one address (429 with Retry-After), recording nothing past the limit', async () => {
    const c = ctx();
    const id = await createNewsletterForm(c);
    const before = await recordedCounts(c);
    const huge = await submitFromShop(c, id, { email: 'big@example.org', purposes: ['email_marketing'], pageUrl: `${shopOrigin}/${'x'.repeat(20_000)}` }, {}, '198.51.100.7');
    expect(huge.statusCode).toBe(413);
    expect(await recordedCounts(c)).toEqual(before);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await submitFromShop(c, id, { email: 'flood@example.org', homepage: 'bot', purposes: ['email_marketing'] }, {}, '192.0.2.99')).statusCode);
    }
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    const limited = await submitFromShop(c, id, { email: 'real@example.org', purposes: ['email_marketing'] }, {}, '192.0.2.99');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(await recordedCounts(c)).toEqual(before);
    c.clock.advance(61_000);
    const later = await submitFromShop(c, id, { email: 'real@example.org', purposes: ['email_marketing'] }, {}, '192.0.2.99');
    expect(later.statusCode).toBe(200);
  });

  it('limits the form as a whole too, whatever the address', async () => {
    const c = ctx();
    const id = await createNewsletterForm(c, { maxSubmissionsPerMinute: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await submitFromShop(c, id, { email: `p${i}@example.org`, homepage: 'x', purposes: ['email_marketing'] }, {}, `192.0.2.${i + 1}`)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('the hosted page works without JavaScript: a plain form post answers an HTML page, errors included', async () => {
    const c = ctx();
    const id = await createNewsletterForm(c);
    const post = (payload: string, ip: string) =>
      c.app.inject({ method: 'POST', url: `/api/v1/public/forms/${id}/submissions`, remoteAddress: ip, headers: { origin: publicUrl, 'content-type': 'application/x-www-form-urlencoded', 'sec-gpc': '1' }, payload });
    const before = await recordedCounts(c);
    const unticked = await post('email=hosted%40example.org&homepage=', '198.51.100.20');
    expect(unticked.statusCode).toBe(400);
    expect(unticked.headers['content-type']).toMatch(/^text\/html/);
    expect(unticked.body).toContain('role="alert"');
    expect(unticked.body).toContain('tick at least one box');
    expect(await recordedCounts(c)).toEqual(before);
    const ok = await post('email=hosted%40example.org&firstName=Lin&purposes=email_marketing&homepage=', '198.51.100.21');
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('Almost done');
    const personId = (await personByEmail(c, 'hosted@example.org'))!;
    const records = await c.services.consent.recordsOf(c.t.db.kysely, c.system, personId);
    const requested = records.find((r) => r.purpose === 'email_marketing')!.events.find((e) => e.state === 'requested')!;
    expect(requested.method).toBe('hosted_form');
    expect(requested.evidence).toMatchObject({ pageUrl: `${publicUrl}/f/${id}`, gpc: true, ip: '198.51.100.0', formId: id });
  });
});
