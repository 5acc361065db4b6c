import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceSeeders } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import { builtinRoles } from '../../src/identity/permissions.ts';
import { systemClock } from '../../src/kernel/clock.ts';
import { createAppServices } from '../../src/services.ts';
import { createWorkspace } from '../../src/workspaces/create-workspace.ts';
import { runCli } from '../support/run-cli.ts';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/test-database.ts';

describe.each(testDialects)('custodian retention on %s', (dialect) => {
  let t: TestDatabase;
  let personId: string;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await createWorkspace(
      { db: t.db.kysely, clock: systemClock, seeders: workspaceSeeders },
      { name: 'CLI' },
    );
    const workspaceId = (await t.db.kysely.selectFrom('workspaces').select('id').executeTakeFirstOrThrow())
      .id;
    // Created with the services the CLI builds (same data directory, so the same keys), then dated three years back.
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
      role: builtinRoles.owner,
    };
    const [person] = await services.people.createMany(
      ctx,
      [{ firstName: 'Old', email: 'old-cli@example.test' }],
      { source: 'import', importId: 'cli-test' },
    );
    personId = (person as { id: string }).id;
    await t.db.kysely
      .updateTable('persons')
      .set({ created_at: '2023-01-01T00:00:00.000Z', updated_at: '2023-01-01T00:00:00.000Z' })
      .where('id', '=', personId)
      .execute();
    await services.retention.policies.create(
      t.db.kysely,
      { workspaceId, actor: { type: 'system', id: 'test' } },
      { name: 'Two years', period: 'P2Y', startEvent: 'creation', action: 'delete' },
    );
  });
  afterAll(async () => {
    await t.destroy();
  });

  it('previews, dry-runs (nothing changes) and sweeps, printing the counts', async () => {
    const preview = await runCli(t, ['retention', 'preview']);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toMatch(/Two years \(.+\): 1 to delete, 0 blocked by a legal hold/);
    const dry = await runCli(t, ['retention', 'sweep', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      trigger: 'cli',
      dryRun: true,
      due: 1,
      erased: 1,
      status: 'completed',
    });
    const still = await t.db.kysely
      .selectFrom('persons')
      .select('erased_at')
      .where('id', '=', personId)
      .executeTakeFirstOrThrow();
    expect(still.erased_at).toBeNull();
    const run = await runCli(t, ['retention', 'sweep']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^Sweep .+ completed: 1 due, 1 erased, 0 anonymised, 0 blocked by a legal hold, 0 partly kept by an exception, 0 failed\./,
    );
    const gone = await t.db.kysely
      .selectFrom('persons')
      .select('erased_at')
      .where('id', '=', personId)
      .executeTakeFirstOrThrow();
    expect(gone.erased_at).not.toBeNull();
    expect((await runCli(t, ['retention', 'preview'])).stdout).toContain('Nobody is due.');
  });

  it('an unknown workspace exits with the NOT_FOUND code and records nothing', async () => {
    const before = (await t.db.kysely.selectFrom('retention_sweeps').select('id').execute()).length;
    const res = await runCli(t, ['retention', 'sweep', '--workspace', 'no-such-workspace']);
    expect(res.code).toBe(5);
    expect((await t.db.kysely.selectFrom('retention_sweeps').select('id').execute()).length).toBe(before);
  });
});
