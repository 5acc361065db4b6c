import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFirstStart } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import { buildApp, type App } from '../../src/http/app.ts';
import { createFixedClock } from '../../src/kernel/clock.ts';
import { createAppServices } from '../../src/services.ts';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/test-database.ts';

const canaryEmail = 'portal.canary.person@example.org';
const canaryMessage = 'Canary-message-zebra-quartz';

describe.each(testDialects)('privacy portal logs on %s', (dialect) => {
  let app: App;
  let t: TestDatabase;
  let workspaceId = '';
  let logs = '';

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    const clock = createFixedClock('2026-03-02T10:00:00.000Z');
    const config = loadConfig({
      CUSTODIAN_MODE: 'test',
      CUSTODIAN_DATA_DIR: t.dataDir,
      CUSTODIAN_ADMIN_EMAIL: 'owner@example.test',
      CUSTODIAN_ADMIN_PASSWORD: 'correct horse battery staple 42',
      LOG_LEVEL: 'trace',
      ...(t.postgresUrl ? { CUSTODIAN_DATABASE_URL: t.postgresUrl } : {}),
    });
    workspaceId = (await ensureFirstStart({ config, db: t.db, clock })).workspaceId;
    const stream = new PassThrough();
    stream.on('data', (chunk) => (logs += chunk));
    app = await buildApp({
      config,
      db: t.db,
      clock,
      logStream: stream,
      ...(await createAppServices({ config, db: t.db, clock })),
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  it('never writes the address, the message or a code, even at trace level and on failures', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const payload = `type=access&email=${encodeURIComponent(canaryEmail)}&message=${canaryMessage}`;
    const ok = await app.inject({
      method: 'POST',
      url: `/privacy/${workspaceId}`,
      headers: form,
      payload,
      remoteAddress: '198.51.100.200',
    });
    expect(ok.statusCode).toBe(200);
    const verification = /name="verification" value="([0-9a-f-]{36})"/.exec(ok.body)?.[1] ?? '';
    await app.inject({
      method: 'POST',
      url: `/privacy/${workspaceId}/verify`,
      payload: { verification, code: '424242' },
    });
    await app.inject({
      method: 'POST',
      url: `/privacy/${workspaceId}`,
      payload: { type: 'nonsense', email: canaryEmail, message: canaryMessage },
    });
    await app.inject({
      method: 'POST',
      url: `/privacy/${workspaceId}`,
      headers: form,
      payload: `type=access&email=${encodeURIComponent(canaryEmail)}&purposes=unknown_one`,
    });
    await new Promise((r) => setTimeout(r, 200)); // the email leaves after the answer
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(canaryEmail);
    expect(logs).not.toContain('portal.canary.person');
    expect(logs).not.toContain(canaryMessage);
    expect(logs).not.toContain('424242');
  });
});
