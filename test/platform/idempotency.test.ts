import { describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';

describe.each(testDialects)('Idempotency-Key on creates, on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);
  const post = (payload: unknown, key?: string) =>
    ctx().app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers: { ...ctx().as.owner, ...(key === undefined ? {} : { 'idempotency-key': key }) },
      payload: payload as Record<string, unknown>,
    });
  const count = async () => (await ctx().t.db.kysely.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

  it('creates once and replays the same person for a repeated key and body', async () => {
    const before = Number(await count());
    const first = await post({ firstName: 'Katherine', email: 'kj@example.org' }, 'create-kj-1');
    expect(first.statusCode).toBe(201);
    const again = await post({ firstName: 'Katherine', email: 'kj@example.org' }, 'create-kj-1');
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(again.headers.location).toBe(first.headers.location);
    expect(Number(await count())).toBe(before + 1);
  });

  it('refuses the same key with another body and stores nothing new', async () => {
    await post({ firstName: 'Dorothy' }, 'k-2');
    const before = Number(await count());
    const other = await post({ firstName: 'Mary' }, 'k-2');
    expect(other.statusCode).toBe(422);
    expect(other.headers['content-type']).toContain('application/problem+json');
    expect(other.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(other.body).not.toContain('Mary');
    expect(Number(await count())).toBe(before);
  });

  it('forgets the key when the create fails, so a corrected retry works', async () => {
    const before = Number(await count());
    const bad = await post({ firstName: 'x'.repeat(300) }, 'k-3');
    expect(bad.statusCode).toBe(400);
    const refused = await post({ nickname: 'Ann' }, 'k-4');
    expect(refused.statusCode).toBe(400);
    const retried = await post({ firstName: 'Ann' }, 'k-4');
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(Number(await count())).toBe(before + 1);
  });

  it('rejects a malformed key', async () => {
    const before = Number(await count());
    const res = await post({ firstName: 'Ann' }, 'has space');
    expect(res.statusCode).toBe(400);
    expect(Number(await count())).toBe(before);
  });

  it('keeps keys apart per actor: the digest stored says nothing of the body', async () => {
    await post({ firstName: 'Evelyn', email: 'evelyn@example.org' }, 'k-5');
    const rows = await ctx().t.db.kysely.selectFrom('idempotency_keys').selectAll().where('key', '=', 'k-5').execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain('evelyn');
  });
});
