import { beforeAll, describe, expect, it } from 'vitest';
import { workspaceSeeders } from '../../src/bootstrap.ts';
import { createWorkspace } from '../../src/workspaces/create-workspace.ts';
import { testDialects } from '../support/test-database.ts';
import { useTestApp } from '../support/test-app.ts';
import { bearerFor, call, expectRefusedUnchanged } from './kernel-test-support.ts';

describe.each(testDialects)('catalogue API on %s', (dialect) => {
  const ctx = useTestApp(dialect);
  const kernelCtx = () => ({ app: ctx().app, db: ctx().t.db.kysely, workspaceId: ctx().workspaceId });
  let officer = '';
  let sales = '';
  let auditor = '';
  let otherOfficer = '';

  beforeAll(async () => {
    const { t, workspaceId, clock } = ctx();
    officer = (await bearerFor(t.db.kysely, workspaceId, 'privacy_officer')).authorization;
    sales = (await bearerFor(t.db.kysely, workspaceId, 'sales')).authorization;
    auditor = (await bearerFor(t.db.kysely, workspaceId, 'auditor')).authorization;
    const other = await createWorkspace(
      { db: t.db.kysely, clock, seeders: workspaceSeeders },
      { name: 'Other' },
    );
    otherOfficer = (await bearerFor(t.db.kysely, other, 'privacy_officer')).authorization;
  });

  it('lists the default taxonomy with Art. 9 and Art. 10 flags', async () => {
    const res = await call(ctx().app, auditor, 'GET', '/api/v1/catalogue/categories');
    expect(res.statusCode).toBe(200);
    const byKey = new Map(
      (
        res.json().items as { key: string; special: boolean; criminal: boolean; replacedBy: string | null }[]
      ).map((c) => [c.key, c]),
    );
    expect(byKey.get('user.contact.email')).toMatchObject({ special: false, criminal: false });
    expect(byKey.get('user.health.genetic')).toMatchObject({ special: true });
    expect(byKey.get('user.demographic.religious_belief')).toMatchObject({ special: true });
    expect(byKey.get('user.demographic.gender')).toMatchObject({ special: false });
    expect(byKey.get('user.criminal_history')).toMatchObject({ criminal: true });
    expect(byKey.get('user.job_title')?.replacedBy).toBe('user.professional_information.job_title');
  });

  it('adds a workspace category under an existing one; children of special categories are special', async () => {
    const plain = await call(ctx().app, officer, 'POST', '/api/v1/catalogue/categories', {
      key: 'user.loyalty',
      name: 'Loyalty',
    });
    expect(plain.statusCode).toBe(201);
    expect(plain.json()).toMatchObject({ key: 'user.loyalty', builtin: false, special: false });
    const child = await call(ctx().app, officer, 'POST', '/api/v1/catalogue/categories', {
      key: 'user.health.allergies',
      name: 'Allergies',
    });
    expect(child.json()).toMatchObject({ special: true });
    const list = await call(ctx().app, sales, 'GET', '/api/v1/catalogue/categories');
    expect((list.json().items as { key: string }[]).map((c) => c.key)).toContain('user.loyalty');
  });

  it('refuses bad categories: no parent, duplicates, bad keys, extra fields, no permission', async () => {
    const problem = await expectRefusedUnchanged(
      kernelCtx(),
      () =>
        call(ctx().app, officer, 'POST', '/api/v1/catalogue/categories', { key: 'user.nope.x', name: 'X' }),
      400,
      'VALIDATION_FAILED',
    );
    expect(problem.errors[0].path).toBe('/key');
    await expectRefusedUnchanged(
      kernelCtx(),
      () =>
        call(ctx().app, officer, 'POST', '/api/v1/catalogue/categories', {
          key: 'user.contact.email',
          name: 'Dup',
        }),
      409,
      'ALREADY_EXISTS',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () =>
        call(ctx().app, officer, 'POST', '/api/v1/catalogue/categories', { key: 'User Stuff', name: 'X' }),
      400,
      'VALIDATION_FAILED',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () =>
        call(ctx().app, officer, 'POST', '/api/v1/catalogue/categories', {
          key: 'user.ok',
          name: 'X',
          extra: true,
        }),
      400,
      'VALIDATION_FAILED',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () =>
        call(ctx().app, officer, 'POST', '/api/v1/catalogue/categories', {
          key: 'user.ok',
          name: { text: 'X' },
        }),
      400,
      'VALIDATION_FAILED',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, sales, 'POST', '/api/v1/catalogue/categories', { key: 'user.ok', name: 'X' }),
      403,
      'FORBIDDEN',
    );
  });

  it('lists the built-in person attributes', async () => {
    const res = await call(ctx().app, sales, 'GET', '/api/v1/catalogue/attributes?entity=person');
    expect(res.statusCode).toBe(200);
    const items = res.json().items as {
      attribute: string;
      category: string;
      searchable: boolean;
      builtin: boolean;
      source: string;
    }[];
    expect(items.filter((a) => a.builtin).map((a) => `${a.attribute}:${a.category}:${a.searchable}`)).toEqual(
      [
        'address:user.contact.address:false',
        'email:user.contact.email:true',
        'firstName:user.name.first:false',
        'jobTitle:user.professional_information.job_title:false',
        'lastName:user.name.last:false',
        'notes:user.content.private:false',
        'phone:user.contact.phone_number:true',
        'sourceDetail:user.content.private:false',
      ],
    );
    expect(new Set(items.map((a) => a.source))).toEqual(new Set(['provided']));
  });

  it('declares an attribute (days become an ISO duration; special follows the category)', async () => {
    const res = await call(ctx().app, officer, 'POST', '/api/v1/catalogue/attributes', {
      entity: 'person',
      attribute: 'allergies',
      category: 'user.health.allergies',
      source: 'provided',
      retention: 30,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ retention: 'P30D', special: true, searchable: false, builtin: false });
    const deprecated = await call(ctx().app, officer, 'POST', '/api/v1/catalogue/attributes', {
      entity: 'person',
      attribute: 'positionHeld',
      category: 'user.job_title',
      source: 'provided',
      retention: 'P2Y',
    });
    expect(deprecated.json().category).toBe('user.professional_information.job_title');
  });

  it('refuses bad declarations and changes nothing', async () => {
    const ok = {
      entity: 'person',
      attribute: 'nickname',
      category: 'user.name',
      source: 'provided',
      retention: 'P1Y',
    };
    expect(
      (
        await expectRefusedUnchanged(
          kernelCtx(),
          () =>
            call(ctx().app, officer, 'POST', '/api/v1/catalogue/attributes', {
              ...ok,
              category: 'user.shoe',
            }),
          400,
          'VALIDATION_FAILED',
        )
      ).errors[0].path,
    ).toBe('/category');
    expect(
      (
        await expectRefusedUnchanged(
          kernelCtx(),
          () => call(ctx().app, officer, 'POST', '/api/v1/catalogue/attributes', { ...ok, retention: 'P0D' }),
          400,
          'VALIDATION_FAILED',
        )
      ).errors[0].path,
    ).toBe('/retention');
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, officer, 'POST', '/api/v1/catalogue/attributes', { ...ok, attribute: 'email' }),
      409,
      'ALREADY_EXISTS',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, officer, 'POST', '/api/v1/catalogue/attributes', { ...ok, source: 'guessed' }),
      400,
      'VALIDATION_FAILED',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, officer, 'POST', '/api/v1/catalogue/attributes', { ...ok, searchable: 'maybe' }),
      400,
      'VALIDATION_FAILED',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, officer, 'POST', '/api/v1/catalogue/attributes', { ...ok, retention: 0 }),
      400,
      'VALIDATION_FAILED',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () =>
        call(ctx().app, officer, 'POST', '/api/v1/catalogue/attributes', {
          ...ok,
          attribute: 'x'.repeat(64),
        }),
      400,
      'VALIDATION_FAILED',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, officer, 'POST', '/api/v1/catalogue/attributes', { ...ok, owner: 'me' }),
      400,
      'VALIDATION_FAILED',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, auditor, 'POST', '/api/v1/catalogue/attributes', ok),
      403,
      'FORBIDDEN',
    );
    await expectRefusedUnchanged(
      kernelCtx(),
      () => call(ctx().app, officer, 'GET', '/api/v1/catalogue/attributes?entity=Not%20An%20Entity'),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('keeps workspaces apart: another workspace’s categories and attributes are invisible', async () => {
    const theirs = await call(ctx().app, otherOfficer, 'POST', '/api/v1/catalogue/categories', {
      key: 'user.theirs',
      name: 'Theirs',
    });
    expect(theirs.statusCode).toBe(201);
    await call(ctx().app, otherOfficer, 'POST', '/api/v1/catalogue/attributes', {
      entity: 'person',
      attribute: 'theirField',
      category: 'user.theirs',
      source: 'observed',
      retention: 'P1Y',
    });
    const cats = await call(ctx().app, officer, 'GET', '/api/v1/catalogue/categories');
    expect((cats.json().items as { key: string }[]).map((c) => c.key)).not.toContain('user.theirs');
    const attrs = await call(ctx().app, officer, 'GET', '/api/v1/catalogue/attributes');
    expect((attrs.json().items as { attribute: string }[]).map((a) => a.attribute)).not.toContain(
      'theirField',
    );
    // Their category cannot be used here either.
    await expectRefusedUnchanged(
      kernelCtx(),
      () =>
        call(ctx().app, officer, 'POST', '/api/v1/catalogue/attributes', {
          entity: 'person',
          attribute: 'borrowed',
          category: 'user.theirs',
          source: 'provided',
          retention: 'P1Y',
        }),
      400,
      'VALIDATION_FAILED',
    );
  });
});
