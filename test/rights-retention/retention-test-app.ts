import { afterEach, beforeEach } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { DialectName } from '../../src/db/database.ts';
import { ensureFirstStart } from '../../src/bootstrap.ts';
import { buildApp } from '../../src/http/app.ts';
import { createFixedClock } from '../../src/kernel/clock.ts';
import { createAppServices } from '../../src/services.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { tokenForRole, type PeopleTestApp } from '../kernel-people/people-test-app.ts';

export const json = { 'content-type': 'application/json' };
export const startAt = '2026-03-02T10:00:00.000Z';

/**
 * A whole app on a FRESH database for every test (retention policies apply to a whole workspace, so tests must not
 * see each other's persons), with a fixed clock the tests move, and a bearer token per role.
 */
export function useFreshRetentionApp(dialect: DialectName): () => PeopleTestApp {
  let ctx: PeopleTestApp | undefined;
  beforeEach(async () => {
    const t = await createTestDatabase(dialect);
    const clock = createFixedClock(startAt);
    const config = loadConfig({
      CUSTODIAN_MODE: 'test',
      CUSTODIAN_DATA_DIR: t.dataDir,
      CUSTODIAN_ADMIN_EMAIL: 'owner@example.test',
      CUSTODIAN_ADMIN_PASSWORD: 'correct horse battery staple 42',
      ...(t.postgresUrl ? { CUSTODIAN_DATABASE_URL: t.postgresUrl } : {}),
    });
    const first = await ensureFirstStart({ config, db: t.db, clock });
    const services = await createAppServices({ config, db: t.db, clock });
    const app = await buildApp({ config, db: t.db, clock, logger: false, ...services });
    await app.ready();
    const as = {} as PeopleTestApp['as'];
    for (const role of ['owner', 'privacy_officer', 'sales', 'marketing', 'auditor', 'admin'] as const) {
      as[role] = { authorization: `Bearer ${await tokenForRole(t.db.kysely, first.workspaceId, role)}` };
    }
    ctx = { app, t, clock, config, services, workspaceId: first.workspaceId, as };
  });
  afterEach(async () => {
    await ctx?.app.close();
    await ctx?.t.destroy();
    ctx = undefined;
  });
  return () => {
    if (!ctx) throw new Error('test app not ready');
    return ctx;
  };
}

/** Creates a person through the API (as the owner) at the clock's current time. */
export async function createPerson(
  ctx: PeopleTestApp,
  body: Record<string, unknown> = { firstName: 'Ada', email: 'ada@example.test' },
): Promise<{ id: string; pseudonym: string }> {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/people',
    headers: { ...ctx.as.owner, ...json },
    payload: body,
  });
  if (res.statusCode !== 201) throw new Error(`person not created: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; pseudonym: string };
}

/** Creates a retention policy through the API; returns it. */
export async function createPolicy(
  ctx: PeopleTestApp,
  body: Record<string, unknown>,
): Promise<{ id: string; version: number; name: string }> {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/retention/policies',
    headers: { ...ctx.as.privacy_officer, ...json },
    payload: body,
  });
  if (res.statusCode !== 201) throw new Error(`policy not created: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; version: number; name: string };
}

/** The preview as the privacy officer sees it. */
export async function preview(
  ctx: PeopleTestApp,
  query = '',
): Promise<{
  items: {
    personId: string;
    pseudonym: string;
    policyId: string;
    startEvent: string;
    startedAt: string;
    dueAt: string;
    action: string;
  }[];
  blocked: { personId: string; holdIds: string[] }[];
  total: number;
  blockedTotal: number;
  nextCursor: string | null;
  perPolicy: { policyId: string; due: number; blocked: number }[];
}> {
  const res = await ctx.app.inject({
    method: 'GET',
    url: `/api/v1/retention/preview${query}`,
    headers: ctx.as.privacy_officer,
  });
  if (res.statusCode !== 200) throw new Error(`preview failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** Runs a sweep through the API. */
export async function sweep(ctx: PeopleTestApp, body: Record<string, unknown> = {}) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/retention/sweeps',
    headers: { ...ctx.as.privacy_officer, ...json },
    payload: body,
  });
  if (res.statusCode !== 201) throw new Error(`sweep failed: ${res.statusCode} ${res.body}`);
  return res.json() as {
    id: string;
    due: number;
    erased: number;
    anonymised: number;
    blocked: number;
    kept: number;
    failed: number;
    status: string;
    perPolicy: Record<string, { due: number }>;
  };
}

/** Days in milliseconds, for moving the clock. */
export const days = (n: number): number => n * 86_400_000;
