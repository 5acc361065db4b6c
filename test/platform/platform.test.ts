import { describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { useTestApp } from '../support/test-app.ts';

describe.each(testDialects)('platform on %s', (dialect) => {
  const ctx = useTestApp(dialect);

  it('answers /health with ok while the database answers', async () => {
    const res = await ctx().app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('sends security headers on every response', async () => {
    const res = await ctx().app.inject({ method: 'GET', url: '/health' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown API path with a problem document', async () => {
    const res = await ctx().app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json();
    expect(body).toMatchObject({ status: 404, code: 'NOT_FOUND', instance: '/api/v1/nothing-here' });
    expect(body.requestId).toBe(res.headers['x-request-id']);
  });

  it('serves an OpenAPI 3.1 document', async () => {
    const res = await ctx().app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.json().openapi).toBe('3.1.0');
    expect(Object.keys(res.json().paths)).toContain('/health');
  });

  it('exposes Prometheus metrics', async () => {
    await ctx().app.inject({ method: 'GET', url: '/health' });
    const res = await ctx().app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('custodian_http_requests_total');
  });

  it('creates the workspace, its seven roles and the owner at first start, and audits it', async () => {
    const db = ctx().t.db.kysely;
    const roles = await db.selectFrom('roles').select('key').where('workspace_id', '=', ctx().workspaceId).execute();
    expect(roles.map((r) => r.key).sort()).toEqual(
      ['admin', 'auditor', 'marketing', 'owner', 'privacy_officer', 'sales', 'support'],
    );
    const audit = await db.selectFrom('audit_log').selectAll().where('action', '=', 'user.create').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details).not.toContain('owner@example.test');
  });
});
