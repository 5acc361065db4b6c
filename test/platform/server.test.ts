import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { buildApp } from '../../src/http/app.ts';
import { createFixedClock } from '../../src/kernel/clock.ts';
import { createAppServices } from '../../src/services.ts';
import { createTestDatabase, postgresAdminUrl, testDialects } from '../support/test-database.ts';
import { useTestApp } from '../support/test-app.ts';

function get(url: string, options: https.RequestOptions = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { rejectUnauthorized: false, ...options }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

describe('HTTPS', () => {
  it('serves TLS 1.2+ only, with HSTS, when a certificate and key are configured', async () => {
    const t = await createTestDatabase('sqlite');
    const certFile = path.join(t.dataDir, 'cert.pem');
    const keyFile = path.join(t.dataDir, 'key.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-keyout', keyFile, '-out', certFile,
    ], { stdio: 'ignore' });
    const config = loadConfig({
      CUSTODIAN_MODE: 'test',
      CUSTODIAN_DATA_DIR: t.dataDir,
      CUSTODIAN_TLS_CERT: certFile,
      CUSTODIAN_TLS_KEY: keyFile,
    });
    const clock = createFixedClock();
    const app = await buildApp({ config, db: t.db, clock, logger: false, ...(await createAppServices({ config, db: t.db, clock })) });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    try {
      const res = await get(`https://127.0.0.1:${port}/health`);
      expect(res.status).toBe(200);
      expect(res.headers['strict-transport-security']).toContain('max-age=');

      const oldClient = new Promise<string>((resolve) => {
        const socket = tls.connect({ host: '127.0.0.1', port, maxVersion: 'TLSv1.1', minVersion: 'TLSv1', rejectUnauthorized: false });
        socket.on('secureConnect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.on('error', () => resolve('refused'));
      });
      expect(await oldClient).toBe('refused');
    } finally {
      await app.close();
      await t.destroy();
    }
  });
});

describe.each(testDialects)('database availability on %s', (dialect) => {
  const ctx = useTestApp(dialect);

  it('refuses oversized bodies with 413 and malformed JSON with 400, as problem documents', async () => {
    const big = await ctx().app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'x'.repeat(2 * 1024 * 1024), password: 'y' }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('PAYLOAD_TOO_LARGE');
    const bad = await ctx().app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.body).not.toContain('at ');
  });

  it.runIf(dialect === 'postgres')('keeps answering after the database server drops every connection', async () => {
    const url = ctx().t.postgresUrl;
    if (!url) throw new Error('no postgres url');
    const dbName = new URL(url).pathname.slice(1);
    expect((await ctx().app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    const admin = new pg.Client({ connectionString: postgresAdminUrl });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
    await admin.end();
    // The first query on a killed idle client may fail; the pool replaces it and the next answers.
    let status = 0;
    for (let i = 0; i < 5 && status !== 200; i++) {
      status = (await ctx().app.inject({ method: 'GET', url: '/health' })).statusCode;
    }
    expect(status).toBe(200);
  });
});

describe('health when the database is gone', () => {
  const opened: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of opened) await close();
  });

  it.each(testDialects)('answers 503 on %s', async (dialect) => {
    const t = await createTestDatabase(dialect);
    opened.push(async () => fs.rmSync(t.dataDir, { recursive: true, force: true }));
    const config = loadConfig({ CUSTODIAN_MODE: 'test', CUSTODIAN_DATA_DIR: t.dataDir });
    const clock = createFixedClock();
    const app = await buildApp({ config, db: t.db, clock, logger: false, ...(await createAppServices({ config, db: t.db, clock })) });
    await t.destroy();
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'unavailable' });
    await app.close();
  });
});
