import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFirstStart } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import { authenticateToken } from '../../src/identity/authenticate.ts';
import { sendProblem } from '../../src/http/problem.ts';
import { processingContextOf, purposeOf } from '../../src/http/purpose-header.ts';
import { registerRouteAccess } from '../../src/http/route-access.ts';
import { createFixedClock } from '../../src/kernel/clock.ts';
import { createPrivacyKernel } from '../../src/kernel/gate/create-privacy-kernel.ts';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/test-database.ts';
import { bearerFor } from './kernel-test-support.ts';

describe.each(testDialects)('Custodian-Purpose header on %s', (dialect) => {
  let t: TestDatabase;
  let app: FastifyInstance;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    const clock = createFixedClock('2026-03-02T10:00:00.000Z');
    const config = loadConfig({
      CUSTODIAN_MODE: 'test',
      CUSTODIAN_DATA_DIR: t.dataDir,
      CUSTODIAN_ADMIN_EMAIL: 'owner@example.test',
      CUSTODIAN_ADMIN_PASSWORD: 'correct horse battery staple 42',
      ...(t.postgresUrl ? { CUSTODIAN_DATABASE_URL: t.postgresUrl } : {}),
    });
    const { workspaceId } = await ensureFirstStart({ config, db: t.db, clock });
    const { purposes } = createPrivacyKernel({ dialect: t.db.dialect, clock });
    const deps = { db: t.db, purposes };
    // A probe route: the header logic on its own, independent of any feature route.
    app = Fastify({ logger: false });
    app.setErrorHandler((error, _request, reply) => sendProblem(reply, error));
    registerRouteAccess(
      app,
      async (request) =>
        (await authenticateToken(
          { db: t.db.kysely, clock },
          String(request.headers.authorization).slice(7),
          request.ip,
        )) ?? null,
      async () => {},
    );
    app.get('/api/v1/probe', { config: { access: 'authenticated' } }, async (request, reply) => {
      const purpose = await purposeOf(request, reply, deps);
      const ctx = await processingContextOf(request, reply, deps);
      return { purpose: purpose.key, contextPurpose: ctx.purpose, role: ctx.role.purposes };
    });
    await app.ready();
    tokens.sales = (await bearerFor(t.db.kysely, workspaceId, 'sales')).authorization;
    tokens.support = (
      await bearerFor(t.db.kysely, workspaceId, 'sales', { defaultPurpose: 'support' })
    ).authorization;
    tokens.auditor = (await bearerFor(t.db.kysely, workspaceId, 'auditor')).authorization;
  });
  afterAll(async () => {
    await app?.close();
    await t?.destroy();
  });

  const probe = (token: string, purpose?: string) =>
    app.inject({
      method: 'GET',
      url: '/api/v1/probe',
      headers: { authorization: token, ...(purpose !== undefined ? { 'custodian-purpose': purpose } : {}) },
    });

  it('uses the purpose the request names, and echoes it', async () => {
    const res = await probe(tokens.sales!, 'sales');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ purpose: 'sales', contextPurpose: 'sales' });
    expect(res.headers['custodian-purpose']).toBe('sales');
  });

  it('falls back to the token’s default purpose, then to the role’s', async () => {
    const byToken = await probe(tokens.support!);
    expect(byToken.json().purpose).toBe('support');
    expect(byToken.headers['custodian-purpose']).toBe('support');
    const byRole = await probe(tokens.sales!);
    expect(byRole.json().purpose).toBe('crm');
    expect(byRole.headers['custodian-purpose']).toBe('crm');
    // The header wins over both.
    expect((await probe(tokens.support!, 'crm')).json().purpose).toBe('crm');
  });

  it('answers 400 PURPOSE_UNKNOWN for a purpose not in the register, without echoing arbitrary text', async () => {
    const unknown = await probe(tokens.sales!, 'nope');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.json()).toMatchObject({ code: 'PURPOSE_UNKNOWN', purpose: 'nope' });
    const odd = await probe(tokens.sales!, 'jane.doe@example.com');
    expect(odd.statusCode).toBe(400);
    expect(odd.json().code).toBe('PURPOSE_UNKNOWN');
    expect(odd.body).not.toContain('jane.doe');
    expect(odd.headers['custodian-purpose']).toBeUndefined();
  });

  it('answers 400 PURPOSE_REQUIRED when neither request, token nor role names one', async () => {
    const res = await probe(tokens.auditor!);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('PURPOSE_REQUIRED');
  });

  it('leaves activity and grants to the gate: an inactive purpose is still applied and echoed', async () => {
    const res = await probe(tokens.sales!, 'email_marketing');
    expect(res.statusCode).toBe(200);
    expect(res.headers['custodian-purpose']).toBe('email_marketing');
  });
});
