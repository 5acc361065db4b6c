import { describe, expect, it } from 'vitest';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';
import { testDialects } from '../support/test-database.ts';
import { expectRefused, send } from './incidents-test-support.ts';

const hour = 3_600_000;
const url = '/api/v1/incidents';
const unknown = '6f1c3c9e-0000-4000-8000-000000000000';

/** Every If-Match change route of an incident, with a body it accepts. */
const changes: { method: 'PATCH' | 'POST'; path: string; body?: unknown }[] = [
  { method: 'PATCH', path: '', body: { title: 'Renamed' } },
  { method: 'POST', path: '/scope' },
  { method: 'POST', path: '/notifications', body: { kind: 'authority' } },
  { method: 'POST', path: '/close' },
];

describe.each(testDialects)('incident change routes on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);

  it('answer 404 for an unknown incident before asking for If-Match, then 428, 412 and the new ETag', async () => {
    const { app, as, t, clock, workspaceId } = ctx();
    const db = t.db.kysely;
    const now = clock.now().getTime();
    const created = await send(app, as.privacy_officer, 'POST', url, {
      title: 'Lost laptop',
      occurredFrom: new Date(now - 2 * hour).toISOString(),
      awareAt: new Date(now - hour).toISOString(),
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ id: string }>().id;
    for (const c of changes) {
      const call = (target: string, headers: Record<string, string>) => () =>
        send(app, as.privacy_officer, c.method, `${url}/${target}${c.path}`, c.body, headers);
      await expectRefused(db, workspaceId, call(unknown, {}), 404, 'NOT_FOUND');
      await expectRefused(db, workspaceId, call(id, {}), 428, 'PRECONDITION_REQUIRED');
      await expectRefused(db, workspaceId, call(id, { 'if-match': 'version 1' }), 412, 'PRECONDITION_FAILED');
    }
    // A change that applies (an edit, then the notification; the scope needs involved accounts, the close a
    // decision) answers the new state with its version as ETag.
    let version = 1;
    for (const c of [changes[0]!, changes[2]!]) {
      const res = await send(app, as.privacy_officer, c.method, `${url}/${id}${c.path}`, c.body, {
        'if-match': `"${version}"`,
      });
      expect(res.statusCode, `${c.path} ${res.body}`).toBe(200);
      const body = res.json<{ id: string; version: number }>();
      expect(body.id).toBe(id);
      expect(body.version).toBe(version + 1);
      expect(res.headers.etag).toBe(`"${body.version}"`);
      version = body.version;
    }
  });
});
