import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceSeeders } from '../../src/bootstrap.ts';
import { systemClock } from '../../src/kernel/clock.ts';
import { createWorkspace } from '../../src/workspaces/create-workspace.ts';
import { runCli } from '../support/run-cli.ts';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/test-database.ts';

describe.each(testDialects)('custodian requests on %s', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await createWorkspace(
      { db: t.db.kysely, clock: systemClock, seeders: workspaceSeeders },
      { name: 'CLI' },
    );
  });
  afterAll(async () => {
    await t.destroy();
  });

  it('logs a phone request with the identity check, lists it and shows it without the requester contact', async () => {
    const logged = await runCli(t, [
      'requests',
      'log',
      '--type',
      'access',
      '--channel',
      'phone',
      '--email',
      'cli-person@example.test',
      '--identity-method',
      'staff_callback',
    ]);
    expect(logged.code, logged.stderr).toBe(0);
    const id = /Id ([0-9a-f-]{36})/.exec(logged.stdout)?.[1];
    expect(id).toBeDefined();
    expect(logged.stdout).toContain('verified');

    const list = await runCli(t, ['requests', 'list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    const items = JSON.parse(list.stdout) as { id: string; status: string; channel: string }[];
    expect(items).toEqual([expect.objectContaining({ id, status: 'verified', channel: 'phone' })]);
    const verified = await runCli(t, ['requests', 'list', '--status', 'verified']);
    expect(verified.stdout).toContain(id);
    const overdue = await runCli(t, ['requests', 'list', '--overdue']);
    expect(overdue.stdout).toContain('No requests.');

    const shown = await runCli(t, ['requests', 'show', id!]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('staff_callback');
    expect(shown.stdout).not.toContain('cli-person@example.test');
    const row = await t.db.kysely
      .selectFrom('audit_log')
      .select(['actor_id', 'action'])
      .where('resource_id', '=', id!)
      .execute();
    expect(row).toEqual(expect.arrayContaining([{ actor_id: 'cli', action: 'request.receive' }]));
  });

  it('refuses bad options with a non-zero exit and stores nothing', async () => {
    const before = await t.db.kysely.selectFrom('requests').select('id').execute();
    expect(
      (await runCli(t, ['requests', 'log', '--type', 'everything', '--channel', 'phone'])).code,
    ).not.toBe(0);
    expect((await runCli(t, ['requests', 'log', '--type', 'access', '--channel', 'portal'])).code).not.toBe(
      0,
    );
    expect(
      (await runCli(t, ['requests', 'log', '--type', 'access', '--channel', 'letter', '--email', 'nope']))
        .code,
    ).not.toBe(0);
    expect((await runCli(t, ['requests', 'list', '--status', 'lost'])).code).not.toBe(0);
    const unknown = await runCli(t, ['requests', 'show', '00000000-0000-4000-8000-000000000000']);
    expect(unknown.code).toBe(5);
    expect(await t.db.kysely.selectFrom('requests').select('id').execute()).toEqual(before);
  });
});
