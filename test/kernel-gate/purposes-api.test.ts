import { beforeAll, describe, expect, it } from 'vitest';
import { workspaceSeeders } from '../../src/bootstrap.ts';
import { createWorkspace } from '../../src/workspaces/create-workspace.ts';
import { testDialects } from '../support/test-database.ts';
import { useTestApp } from '../support/test-app.ts';
import { bearerFor, call, expectRefusedUnchanged, kernelSnapshot } from './kernel-test-support.ts';

const base = '/api/v1/purposes';

describe.each(testDialects)('purposes API on %s', (dialect) => {
  const ctx = useTestApp(dialect);
  const kernelCtx = () => ({ app: ctx().app, db: ctx().t.db.kysely, workspaceId: ctx().workspaceId });
  let owner = '';
  let sales = '';
  let otherOwner = '';
  let otherWorkspace = '';

  beforeAll(async () => {
    const { t, workspaceId, clock } = ctx();
    owner = (await bearerFor(t.db.kysely, workspaceId, 'privacy_officer')).authorization;
    sales = (await bearerFor(t.db.kysely, workspaceId, 'sales')).authorization;
    otherWorkspace = await createWorkspace(
      { db: t.db.kysely, clock, seeders: workspaceSeeders },
      { name: 'Other' },
    );
    otherOwner = (await bearerFor(t.db.kysely, otherWorkspace, 'privacy_officer')).authorization;
  });

  const valid = {
    key: 'events',
    name: 'Event invitations',
    lawfulBasis: 'legitimate_interests',
    legitimateInterestAssessment: 'Invitations to customers of events like ones they attended.',
    requiredCategories: ['user.contact.email'],
    optionalCategories: ['user.name'],
    retention: 'P1Y',
  };

  it('lists the six seeded purposes (five defaults and the built-in requests one) to any role that may read them', async () => {
    const res = await call(ctx().app, sales, 'GET', base);
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { key: string; active: boolean }[];
    expect(items.map((p) => p.key)).toEqual(['accounting', 'crm', 'data_subject_requests', 'email_marketing', 'sales', 'support']);
    expect(items.find((p) => p.key === 'email_marketing')?.active).toBe(false);
  });

  it('creates a purpose, inactive by default, at version 1', async () => {
    const res = await call(ctx().app, owner, 'POST', base, valid);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      key: 'events',
      version: 1,
      active: false,
      retention: 'P1Y',
      art9Condition: null,
    });
    const got = await call(ctx().app, sales, 'GET', `${base}/events`);
    expect(got.json().name).toBe('Event invitations');
  });

  it('refuses a second purpose with the same key', async () => {
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, owner, 'POST', base, valid),
      409,
      'ALREADY_EXISTS',
    );
  });

  it('names the field of every rule a purpose breaks', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...valid, key: 'no_lia', legitimateInterestAssessment: undefined }, '/legitimateInterestAssessment'],
      [
        { ...valid, key: 'health', lawfulBasis: 'contract', optionalCategories: ['user.health.condition'] },
        '/art9Condition',
      ],
      [{ ...valid, key: 'unknown_cat', requiredCategories: ['user.shoe.size'] }, '/requiredCategories/0'],
      [
        { ...valid, key: 'crime', lawfulBasis: 'consent', optionalCategories: ['user.criminal_history'] },
        '/lawfulBasis',
      ],
      [{ ...valid, key: 'bad_retention', retention: 'forever' }, '/retention'],
      [{ ...valid, key: 'no_cats', requiredCategories: [], optionalCategories: [] }, '/requiredCategories'],
      [{ ...valid, key: 'overlap', optionalCategories: ['user.contact.email'] }, '/optionalCategories'],
    ];
    for (const [body, path] of cases) {
      const problem = await expectRefusedUnchanged(
        kernelCtx(),
        () => call(ctx().app, owner, 'POST', base, body),
        400,
        'VALIDATION_FAILED',
      );
      expect(problem.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
  });

  it('refuses wrong types, unknown enum values, extra and oversized fields', async () => {
    const bodies: unknown[] = [
      { ...valid, key: 'x1', lawfulBasis: 'f' },
      { ...valid, key: 'x2', active: 'yes' },
      { ...valid, key: 'x3', requiredCategories: 'user.name' },
      { ...valid, key: 'x4', extra: 1 },
      { ...valid, key: 'x5', name: 'n'.repeat(121) },
      { ...valid, key: 'Bad Key' },
      { ...valid, key: 'x6', art9Condition: 'because' },
      { name: 'missing key' },
      'not json',
    ];
    for (const body of bodies)
      await expectRefusedUnchanged(
        kernelCtx(),
        () => call(ctx().app, owner, 'POST', base, body),
        400,
        typeof body === 'string' ? 'BAD_REQUEST' : 'VALIDATION_FAILED',
      );
  });

  it('needs purposes:write to change the register', async () => {
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, sales, 'POST', base, { ...valid, key: 'by_sales' }),
      403,
      'FORBIDDEN',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, sales, 'POST', `${base}/crm/deactivate`),
      403,
      'FORBIDDEN',
    );
  });

  it('makes a new version on every change and keeps the history', async () => {
    const patched = await call(ctx().app, owner, 'PATCH', `${base}/events`, {
      retention: 180,
      recipients: ['Venue'],
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ version: 2, retention: 'P180D', recipients: ['Venue'] });
    const activated = await call(ctx().app, owner, 'POST', `${base}/events/activate`);
    expect(activated.json()).toMatchObject({ version: 3, active: true });
    // No change, no version.
    const again = await call(ctx().app, owner, 'POST', `${base}/events/activate`);
    expect(again.json().version).toBe(3);
    const same = await call(ctx().app, owner, 'PATCH', `${base}/events`, { name: 'Event invitations' });
    expect(same.json().version).toBe(3);
    const versions = await call(ctx().app, sales, 'GET', `${base}/events/versions`);
    expect(versions.statusCode).toBe(200);
    const items = versions.json().items as {
      version: number;
      change: string;
      purpose: { retention: string; active: boolean };
    }[];
    expect(items.map((v) => [v.version, v.change])).toEqual([
      [3, 'activate'],
      [2, 'update'],
      [1, 'create'],
    ]);
    expect(items[2]?.purpose).toMatchObject({ retention: 'P1Y', active: false });
    const audit = await ctx()
      .t.db.kysely.selectFrom('audit_log')
      .select(['action', 'resource_id'])
      .where('resource_type', '=', 'purpose')
      .where('resource_id', '=', 'events')
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['purpose.create', 'purpose.update', 'purpose.activate']);
  });

  it('validates a change against the whole purpose (switching to legitimate interests needs an assessment)', async () => {
    const problem = await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, owner, 'PATCH', `${base}/sales`, { lawfulBasis: 'legitimate_interests' }),
      400,
      'VALIDATION_FAILED',
    );
    expect(problem.errors[0].path).toBe('/legitimateInterestAssessment');
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, owner, 'PATCH', `${base}/sales`, {}),
      400,
      'VALIDATION_FAILED',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, owner, 'PATCH', `${base}/sales`, { version: 9 }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('turns email marketing on and off', async () => {
    const on = await call(ctx().app, owner, 'POST', `${base}/email_marketing/activate`);
    expect(on.json()).toMatchObject({ active: true, version: 2 });
    const off = await call(ctx().app, owner, 'POST', `${base}/email_marketing/deactivate`);
    expect(off.json()).toMatchObject({ active: false, version: 3 });
  });

  it('answers 404 for unknown purposes and for another workspace’s purposes, changing nothing', async () => {
    const created = await call(ctx().app, otherOwner, 'POST', base, { ...valid, key: 'theirs' });
    expect(created.statusCode).toBe(201);
    const theirsBefore = await kernelSnapshot(ctx().t.db.kysely, otherWorkspace);
    for (const [method, url, body] of [
      ['GET', `${base}/theirs`, undefined],
      ['GET', `${base}/theirs/versions`, undefined],
      ['PATCH', `${base}/theirs`, { name: 'Mine now' }],
      ['POST', `${base}/theirs/activate`, undefined],
      ['GET', `${base}/nothing_here`, undefined],
    ] as const) {
      await expectRefusedUnchanged(
        kernelCtx(),
        () => call(ctx().app, owner, method, url, body),
        404,
        'NOT_FOUND',
      );
    }
    expect(await kernelSnapshot(ctx().t.db.kysely, otherWorkspace)).toBe(theirsBefore);
    const mine = await call(ctx().app, owner, 'GET', base);
    expect((mine.json().items as { key: string }[]).map((p) => p.key)).not.toContain('theirs');
  });
});
