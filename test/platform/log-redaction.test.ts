import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { ensureFirstStart } from '../../src/bootstrap.ts';
import { buildApp, type App } from '../../src/http/app.ts';
import { createFixedClock } from '../../src/kernel/clock.ts';
import { createAppServices } from '../../src/services.ts';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/test-database.ts';
import { insertTokenForRole } from '../support/owner-token.ts';

const canary = {
  email: 'canary.person@example.org',
  password: 'canary-Passw0rd-zebra-quartz',
  firstName: 'Canaryfirst',
  lastName: 'Canarylast',
  phone: '+33612345678',
};

describe.each(testDialects)('application logs on %s', (dialect) => {
  let app: App;
  let t: TestDatabase;
  let logs = '';
  let bearer = '';

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    const clock = createFixedClock('2026-03-02T10:00:00.000Z');
    const config = loadConfig({
      CUSTODIAN_MODE: 'test',
      CUSTODIAN_DATA_DIR: t.dataDir,
      CUSTODIAN_ADMIN_EMAIL: 'owner@example.test',
      CUSTODIAN_ADMIN_PASSWORD: canary.password,
      LOG_LEVEL: 'trace',
      ...(t.postgresUrl ? { CUSTODIAN_DATABASE_URL: t.postgresUrl } : {}),
    });
    const first = await ensureFirstStart({ config, db: t.db, clock });
    const stream = new PassThrough();
    stream.on('data', (chunk) => (logs += chunk));
    app = await buildApp({ config, db: t.db, clock, logStream: stream, ...(await createAppServices({ config, db: t.db, clock })) });
    await app.ready();
    bearer = (await insertTokenForRole(t.db.kysely, first.workspaceId, 'owner')).token;
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  it('never writes passwords, tokens, cookies or personal values, even at trace level', async () => {
    const signIn = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'owner@example.test', password: canary.password },
    });
    expect(signIn.statusCode).toBe(200);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0] ?? '';
    await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: canary.email, password: canary.password } });
    await app.inject({ method: 'GET', url: '/api/v1/users/me', headers: { cookie } });
    const headers = { authorization: `Bearer ${bearer}`, 'custodian-purpose': 'crm' };
    const person = { firstName: canary.firstName, lastName: canary.lastName, email: canary.email, phone: canary.phone };
    const created = await app.inject({ method: 'POST', url: '/api/v1/people', headers, payload: person });
    expect(created.statusCode, created.body).toBe(201);
    // Responses carrying personal data are never cached (ASVS V14.3.2).
    expect(created.headers['cache-control']).toBe('no-store');
    await app.inject({ method: 'POST', url: '/api/v1/people/lookup', headers, payload: { email: canary.email } });
    // A rejected write carrying personal data: the error must not echo it into the log either.
    await app.inject({ method: 'POST', url: '/api/v1/people', headers, payload: { ...person, phone: 12 } });
    const token = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { authorization: `Bearer ${bearer}` }, payload: { name: 'canary' } });
    const issued = String(token.json().token ?? '');

    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [canary.password, canary.email, canary.firstName, canary.lastName, canary.phone, bearer, issued, cookie.split('=')[1] ?? '']) {
      expect(secret.length).toBeGreaterThan(3);
      expect(logs).not.toContain(secret);
    }
  });
});
