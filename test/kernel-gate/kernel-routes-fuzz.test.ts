import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { useTestApp } from '../support/test-app.ts';
import { bearerFor } from './kernel-test-support.ts';

/** The kernel's own routes: catalogue, purposes and a person's standing. */
const kernelRoute =
  /^\/api\/v1\/(catalogue|purposes|people\/:id\/(standing|consents|objections|restriction))/;

const body = fc.oneof(
  fc.constant(JSON.parse('{"__proto__": {"isAdmin": true}, "key": "x"}')),
  fc.record(
    {
      key: fc.string(),
      name: fc.string(),
      lawfulBasis: fc.string(),
      retention: fc.oneof(fc.string(), fc.integer()),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    { purpose: fc.string(), state: fc.constantFrom('given', 'withdrawn', 'x'), method: fc.string() },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      entity: fc.string(),
      attribute: fc.string(),
      category: fc.string(),
      source: fc.string(),
      retention: fc.integer(),
    },
    { requiredKeys: [] },
  ),
  fc.constant([]),
  fc.constant(null),
  fc.string(),
  fc.object({ maxDepth: 2 }),
);
const param = fc.oneof(
  fc.uuid(),
  fc.constantFrom('crm', 'email_marketing', "1' OR '1'='1", '%00'),
  fc.string({ minLength: 1, maxLength: 30 }).map(encodeURIComponent),
);

describe.each(testDialects)('kernel routes under hostile input on %s', (dialect) => {
  const ctx = useTestApp(dialect);
  let authorization = '';
  beforeAll(async () => {
    ({ authorization } = await bearerFor(ctx().t.db.kysely, ctx().workspaceId, 'privacy_officer'));
  });

  it('answer a 4xx problem document or a success, never a 5xx', async () => {
    const routes = ctx().app.routeAccessTable.filter((r) => kernelRoute.test(r.url));
    expect(routes.length).toBe(17);
    const failures: string[] = [];
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(body, param, param, async (payload, p1, p2) => {
          let n = 0;
          const url = route.url.replace(/:[A-Za-z]+/g, () => (n++ === 0 ? p1 : p2));
          const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
          const res = await ctx().app.inject({
            method: route.method as 'GET',
            url,
            headers: { authorization, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
            ...(hasBody ? { payload: JSON.stringify(payload) } : {}),
          });
          if (res.statusCode >= 500)
            failures.push(`${route.method} ${route.url} → ${res.statusCode} ${res.body.slice(0, 200)}`);
          if (res.statusCode >= 400)
            expect(res.headers['content-type']).toContain('application/problem+json');
        }),
        { numRuns: 25 },
      );
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
