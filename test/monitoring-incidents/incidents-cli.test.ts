import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceSeeders } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import { systemClock } from '../../src/kernel/clock.ts';
import { createAppServices } from '../../src/services.ts';
import { createWorkspace } from '../../src/workspaces/create-workspace.ts';
import { runCli } from '../support/run-cli.ts';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/test-database.ts';

describe.each(testDialects)('custodian incidents on %s', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    const workspaceId = await createWorkspace(
      { db: t.db.kysely, clock: systemClock, seeders: workspaceSeeders },
      { name: 'CLI' },
    );
    const config = loadConfig({
      CUSTODIAN_MODE: 'test',
      CUSTODIAN_DATA_DIR: t.dataDir,
      ...(t.postgresUrl ? { CUSTODIAN_DATABASE_URL: t.postgresUrl } : {}),
    });
    const services = await createAppServices({ config, db: t.db, clock: systemClock });
    const now = Date.now();
    await services.incidents.create(
      t.db.kysely,
      { workspaceId, actor: { type: 'system', id: 'test' } },
      {
        title: 'Stolen laptop',
        occurredFrom: new Date(now - 5 * 3_600_000).toISOString(),
        awareAt: new Date(now - 2 * 3_600_000).toISOString(),
      },
    );
  });
  afterAll(async () => {
    await t.destroy();
  });

  it('lists open incidents with their 72-hour clock', async () => {
    const list = await runCli(t, ['incidents', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('INC-');
    expect(list.stdout).toMatch(/\t2 d (21|22) h left\t/);
    const json = await runCli(t, ['incidents', 'list', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      items: [{ title: 'Stolen laptop', status: 'open', clock: { state: 'running' } }],
      nextCursor: null,
    });
    expect((await runCli(t, ['incidents', 'list', '--status', 'closed'])).stdout).toContain(
      'No closed incidents.',
    );
  });

  it('refuses an unknown status with the usage exit code', async () => {
    const res = await runCli(t, ['incidents', 'list', '--status', 'pending']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--status');
  });
});
