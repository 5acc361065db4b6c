import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { useTestApp } from '../support/test-app.ts';
import { insertTokenForRole } from '../support/owner-token.ts';

const leakMarkers = ['SELECT', 'select ', 'INSERT', 'no such table', 'relation', 'syntax', 'at async', '.ts:', 'audit refused'];

describe.each(testDialects)('faults on %s', (dialect) => {
  const ctx = useTestApp(dialect);
  let auth = { authorization: '' };
  beforeEach(async () => {
    if (!auth.authorization) {
      auth = { authorization: `Bearer ${(await insertTokenForRole(ctx().t.db.kysely, ctx().workspaceId, 'owner')).token}` };
    }
  });

  it('rolls the change back and answers a bare 500 when the audit entry cannot be written', async () => {
    const db = ctx().t.db.kysely;
    const before = await ctx().app.inject({ method: 'GET', url: '/api/v1/settings', headers: auth });
    expect(before.statusCode).toBe(200);
    if (dialect === 'sqlite') {
      await sql`CREATE TRIGGER audit_refuses BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused'); END`.execute(db);
    } else {
      await sql`CREATE FUNCTION audit_refuses() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$ LANGUAGE plpgsql`.execute(db);
      await sql`CREATE TRIGGER audit_refuses BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_refuses()`.execute(db);
    }
    try {
      const res = await ctx().app.inject({
        method: 'PATCH',
        url: '/api/v1/settings',
        headers: auth,
        payload: { 'organisation.name': 'Changed without a trace' },
      });
      expect(res.statusCode).toBe(500);
      expect(res.json().code).toBe('INTERNAL');
      for (const marker of leakMarkers) expect(res.body).not.toContain(marker);
      const stored = await db
        .selectFrom('settings')
        .select('value')
        .where('workspace_id', '=', ctx().workspaceId)
        .where('key', '=', 'organisation.name')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(stored.value)).not.toBe('Changed without a trace');
    } finally {
      await sql`DROP TRIGGER audit_refuses${dialect === 'postgres' ? sql` ON audit_log` : sql``}`.execute(db);
    }
  });

  it('denies rather than allows when the permission lookup fails', async () => {
    const db = ctx().t.db.kysely;
    await sql`ALTER TABLE roles RENAME TO roles_gone`.execute(db);
    try {
      const res = await ctx().app.inject({ method: 'GET', url: '/api/v1/users', headers: auth });
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain('"items"');
      for (const marker of leakMarkers) expect(res.body).not.toContain(marker);
    } finally {
      await sql`ALTER TABLE roles_gone RENAME TO roles`.execute(db);
    }
    expect((await ctx().app.inject({ method: 'GET', url: '/api/v1/users', headers: auth })).statusCode).toBe(200);
  });
});
