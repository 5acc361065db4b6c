import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCatalogue } from '../../src/errors.ts';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/test-database.ts';
import { seedAuditChain, type SeededChain } from '../audit/audit-fixture.ts';
import { runCli } from '../support/run-cli.ts';

// Each test starts the real binary (a few seconds each, more on a busy machine).
const processTimeout = 180_000;

describe.each(testDialects)('custodian backup and restore on %s', (dialect) => {
  let t: TestDatabase;
  let chain: SeededChain;
  let backupFile: string;

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    chain = await seedAuditChain(t, 5);
    await chain.checkpoints.write({ db: t.db.kysely, clock: chain.clock });
    backupFile = path.join(t.dataDir, 'backups', 'before.backup');
  });
  afterAll(async () => {
    await t.destroy();
  });

  const workspaceName = async () =>
    (await t.db.kysely.selectFrom('workspaces').select('name').where('id', '=', chain.workspaceId).executeTakeFirstOrThrow()).name;
  const actions = async () =>
    (await t.db.kysely.selectFrom('audit_log').select('action').where('workspace_id', '=', chain.workspaceId).orderBy('seq').execute()).map((r) => r.action);

  it('writes a snapshot while the database is in use, readable only by its owner', async () => {
    const res = await runCli(t, ['backup', backupFile]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Backup written to');
    expect(fs.statSync(backupFile).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(`${backupFile}.partial`)).toBe(false);
  }, processTimeout);

  it('refuses to overwrite an existing file', async () => {
    const res = await runCli(t, ['backup', backupFile]);
    expect(res.code).toBe(errorCatalogue.ALREADY_EXISTS.exit);
  }, processTimeout);

  it('brings the old state back, and the audit log verifies afterwards', async () => {
    await t.db.kysely.updateTable('workspaces').set({ name: 'Changed after the backup' }).where('id', '=', chain.workspaceId).execute();
    await chain.append(5);
    await chain.checkpoints.write({ db: t.db.kysely, clock: chain.clock });
    expect(await actions()).toHaveLength(10);

    const res = await runCli(t, ['restore', backupFile]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(await workspaceName()).toBe('Audit test');
    const after = await actions();
    expect(after).toHaveLength(6);
    expect(after[5]).toBe('backup.restore');

    // The checkpoints of the abandoned timeline (up to entry 10) are superseded by the signed restore marker.
    const verify = await runCli(t, ['audit', 'verify']);
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('Audit log intact: 6 entries');
    if (dialect === 'sqlite') {
      const kept = fs.readdirSync(t.dataDir).filter((f) => f.startsWith('custodian.db.before-restore-'));
      expect(kept).toHaveLength(1);
    }
  }, processTimeout);

  it('refuses a missing file and a file that is not a backup, changing nothing', async () => {
    const missing = await runCli(t, ['restore', path.join(t.dataDir, 'nope.backup')]);
    expect(missing.code).toBe(errorCatalogue.NOT_FOUND.exit);
    const junk = path.join(t.dataDir, 'junk.backup');
    fs.writeFileSync(junk, 'this is not a database');
    const refused = await runCli(t, ['restore', junk]);
    expect(refused.code).toBe(errorCatalogue.BAD_REQUEST.exit);
    expect(refused.stderr).toMatch(/not (an intact Custodian SQLite backup|a pg_dump custom-format archive)/);
    expect(await workspaceName()).toBe('Audit test');
    expect(await actions()).toHaveLength(6);
  }, processTimeout);
});
