import { describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { useChannelsTestApp } from '../consent-channels/channels-test-app.ts';
import { createPrivacyPortal } from '../../src/rights/portal/privacy-portal.ts';
import { requestCount, submitRequest } from './portal-test-app.ts';

describe.each(testDialects)('privacy portal: rate limits on %s', (dialect) => {
  const ctx = useChannelsTestApp(dialect);

  it('limits submissions per email address (counted under a keyed hash) with 429 and Retry-After', async () => {
    const c = ctx();
    const email = 'Mail.Bomb.Target@example.org';
    for (let i = 0; i < 5; i++)
      expect((await submitRequest(c, { email }, { ip: `192.0.2.${i + 1}` })).statusCode).toBe(202);
    const before = await requestCount(c);
    const limited = await submitRequest(c, { email: email.toLowerCase() }, { ip: '192.0.2.50' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(await requestCount(c)).toBe(before);
    const buckets = await c.t.db.kysely.selectFrom('portal_rate_counters').select('bucket').execute();
    expect(JSON.stringify(buckets).toLowerCase()).not.toContain('mail.bomb.target');
    // Another address is not affected.
    expect(
      (await submitRequest(c, { email: 'someone.else@example.org' }, { ip: '192.0.2.51' })).statusCode,
    ).toBe(202);
  });

  it('limits submissions per IP, and the form shows a page with Retry-After', async () => {
    const c = ctx();
    const ip = '192.0.2.99';
    for (let i = 0; i < 20; i++)
      expect((await submitRequest(c, { email: `visitor${i}@example.org` }, { ip })).statusCode).toBe(202);
    const limited = await c.app.inject({
      method: 'POST',
      url: `/privacy/${c.workspaceId}`,
      remoteAddress: ip,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'type=access&email=visitor21%40example.org',
    });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toContain('text/html');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('limits submissions per workspace, all visitors together', async () => {
    const c = ctx();
    const portal = createPrivacyPortal({
      db: c.t.db,
      clock: c.clock,
      requests: c.services.requests,
      purposes: c.services.purposes,
      serverSecret: c.services.keyFiles.serverSecret,
      publicUrl: c.config.publicUrl,
      mailerFor: async () => c.services.mailer,
      smsSenderFor: async () => undefined,
      limits: { perWorkspace: { limit: 3, windowMs: 60_000 } },
    });
    // The shared counter already holds this minute's earlier submissions: move to a fresh window.
    c.clock.advance(60_000);
    for (let i = 0; i < 3; i++)
      await portal.submit({
        workspaceId: c.workspaceId,
        visitor: { ip: `192.0.2.${150 + i}` },
        type: 'access',
        email: `crowd${i}@example.org`,
      });
    await expect(
      portal.submit({
        workspaceId: c.workspaceId,
        visitor: { ip: '192.0.2.160' },
        type: 'access',
        email: 'crowd9@example.org',
      }),
    ).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    c.clock.advance(60_000);
    await expect(
      portal.submit({
        workspaceId: c.workspaceId,
        visitor: { ip: '192.0.2.161' },
        type: 'access',
        email: 'crowd10@example.org',
      }),
    ).resolves.toMatchObject({ language: 'en' });
  });

  it('limits verification attempts per IP', async () => {
    const c = ctx();
    const ip = '192.0.2.200';
    const { verification } = (
      await submitRequest(c, { email: 'verify.flood@example.org' }, { ip })
    ).json() as { verification: string };
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const res = await c.app.inject({
        method: 'POST',
        url: `/privacy/${c.workspaceId}/verify`,
        remoteAddress: ip,
        payload: { verification, code: '999999' },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 30).every((s) => s === 400)).toBe(true);
    expect(statuses[30]).toBe(429);
  });
});
