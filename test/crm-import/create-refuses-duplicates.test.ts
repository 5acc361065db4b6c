import { describe, expect, it } from 'vitest';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';
import { testDialects } from '../support/test-database.ts';

describe.each(testDialects)('POST /api/v1/people?onDuplicate=refuse on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);
  const create = (payload: object, query = '') =>
    ctx().app.inject({ method: 'POST', url: `/api/v1/people${query}`, headers: { ...ctx().as.owner, 'custodian-purpose': 'crm' }, payload });
  const count = async () => Number((await ctx().t.db.kysely.selectFrom('persons').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('refuses a likely duplicate with the matching ids and reasons, stores nothing, and creates when allowed', async () => {
    const first = await create({ firstName: 'Katherine', lastName: 'Johnson', emails: [{ value: 'kj@nasa.example', primary: true }] });
    expect(first.statusCode, first.body).toBe(201);
    const before = await count();

    const refused = await create({ firstName: 'Kathy', email: 'KJ@nasa.example' }, '?onDuplicate=refuse');
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ code: 'DUPLICATE_SUSPECTED', duplicates: [{ personId: first.json().id, reasons: ['email'] }] });
    expect(refused.body).not.toContain('nasa.example');
    expect(await count()).toBe(before);

    const different = await create({ firstName: 'Dorothy', email: 'dv@nasa.example' }, '?onDuplicate=refuse');
    expect(different.statusCode, different.body).toBe(201);
    const allowed = await create({ firstName: 'Kathy', email: 'kj@nasa.example' });
    expect(allowed.statusCode, allowed.body).toBe(201);
    expect(await count()).toBe(before + 2);
    expect((await create({ firstName: 'X' }, '?onDuplicate=maybe')).statusCode).toBe(400);
  });
});
