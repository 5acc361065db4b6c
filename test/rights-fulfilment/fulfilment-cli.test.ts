import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceSeeders } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import { createAppServices } from '../../src/services.ts';
import { systemClock } from '../../src/kernel/clock.ts';
import { createWorkspace } from '../../src/workspaces/create-workspace.ts';
import { runCli } from '../support/run-cli.ts';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/test-database.ts';

describe.each(testDialects)('custodian fulfil on %s', (dialect) => {
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

  async function logged(type: string, email: string): Promise<string> {
    const res = await runCli(t, [
      'requests',
      'log',
      '--type',
      type,
      '--channel',
      'phone',
      '--email',
      email,
      '--identity-method',
      'staff_callback',
    ]);
    expect(res.code, res.stderr).toBe(0);
    const id = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(res.stdout)?.[0];
    expect(id).toBeDefined();
    return id!;
  }

  it('refuses an erasure request without a person, then erases a held person and prints the certificate', async () => {
    const nobody = await logged('erasure', 'nobody-cli@example.test');
    const refused = await runCli(t, ['fulfil', 'erase', nobody]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('not linked to a person');

    const workspaceId = (await t.db.kysely.selectFrom('workspaces').select('id').executeTakeFirstOrThrow())
      .id;
    // The person is created with the services the CLI builds (same data directory, so the same keys).
    const config = loadConfig({
      CUSTODIAN_MODE: 'test',
      CUSTODIAN_DATA_DIR: t.dataDir,
      ...(t.postgresUrl ? { CUSTODIAN_DATABASE_URL: t.postgresUrl } : {}),
    });
    const services = await createAppServices({ config, db: t.db, clock: systemClock });
    const ctx = {
      workspaceId,
      actor: { type: 'system' as const, id: 'test' },
      purpose: 'crm',
      role: { purposes: ['*'], dataCategories: ['*'] },
    };
    const person = await services.people.create(ctx, { firstName: 'Cleo', email: 'cleo-cli@example.test' });

    const id = await logged('erasure', 'cleo-cli@example.test');
    const erased = await runCli(t, ['fulfil', 'erase', id]);
    expect(erased.code, erased.stderr).toBe(0);
    expect(erased.stdout).toMatch(/completed: certificate [0-9a-f-]{36}/);
    expect(erased.stdout).toContain('We erased your personal data');
    const row = await t.db.kysely
      .selectFrom('persons')
      .select('erased_at')
      .where('id', '=', person.id)
      .executeTakeFirstOrThrow();
    expect(row.erased_at).not.toBeNull();

    const wrong = await runCli(t, ['fulfil', 'restrict', id, '--reason', 'whim']);
    expect(wrong.code).not.toBe(0);
  });
});
