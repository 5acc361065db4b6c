import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { useTestApp } from '../support/test-app.ts';
import { insertTokenForRole } from '../support/owner-token.ts';

/** Values that have broken JSON handlers elsewhere: prototype keys, huge numbers, odd strings. */
const nasty = fc.oneof(
  fc.constant({ __proto__: { admin: true } }),
  fc.constant(JSON.parse('{"__proto__": {"isAdmin": true}, "constructor": {"prototype": {"x": 1}}}')),
  fc.constant({ email: "' OR 1=1 --", password: '"; DROP TABLE users; --' }),
  fc.constant({ name: '<script>alert(1)</script>', key: '../../etc/passwd' }),
  fc.constant([]),
  fc.constant(null),
  fc.constant(1e308),
  fc.string(),
  fc.object({ maxDepth: 2 }),
);
const nastyParam = fc.oneof(
  fc.uuid(),
  fc.constant('..%2F..%2Fetc'),
  fc.constant("1' OR '1'='1"),
  fc.constant('%00'),
  fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent),
);

describe.each(testDialects)('every route on %s', (dialect) => {
  const ctx = useTestApp(dialect);
  let token = '';
  beforeAll(async () => {
    ({ token } = await insertTokenForRole(ctx().t.db.kysely, ctx().workspaceId, 'owner'));
  });

  it('answers random and hostile input with a 4xx problem document or a success, never a 5xx', async () => {
    const routes = ctx().app.routeAccessTable.filter((r) => r.url.startsWith('/api/v1'));
    expect(routes.length).toBeGreaterThan(0);
    const failures: string[] = [];
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(nasty, nastyParam, fc.string({ maxLength: 20 }), async (body, param, query) => {
          const url = route.url.replace(/:[A-Za-z]+/g, param) + `?q=${encodeURIComponent(query)}&limit=${encodeURIComponent(query)}`;
          const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
          const res = await ctx().app.inject({
            method: route.method as 'GET',
            url,
            headers: { authorization: `Bearer ${token}`, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
            ...(hasBody ? { payload: JSON.stringify(body) } : {}),
          });
          if (res.statusCode >= 500) failures.push(`${route.method} ${route.url} → ${res.statusCode} ${res.body.slice(0, 200)}`);
          if (res.statusCode >= 400) expect(res.headers['content-type']).toContain('application/problem+json');
        }),
        { numRuns: 6 },
      );
    }
    expect(failures).toEqual([]);
    // The prototype of plain objects was never polluted.
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  }, 180_000);
});
