import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceSeeders } from '../../src/bootstrap.ts';
import { systemClock } from '../../src/kernel/clock.ts';
import { createWorkspace } from '../../src/workspaces/create-workspace.ts';
import { runCli } from '../support/run-cli.ts';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/test-database.ts';

describe.each(testDialects)('custodian ropa export on %s', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await createWorkspace({ db: t.db.kysely, clock: systemClock, seeders: workspaceSeeders }, { name: 'CLI' });
  });
  afterAll(async () => {
    await t.destroy();
  });

  it('prints the current records as JSON, recording the first version', async () => {
    const res = await runCli(t, ['ropa', 'export']);
    expect(res.code, res.stderr).toBe(0);
    const snapshot = JSON.parse(res.stdout);
    expect(snapshot).toMatchObject({ version: 1, reason: 'read' });
    expect(snapshot.document.activities.map((a: { purposeKey: string }) => a.purposeKey)).toContain('crm');
  });

  it('writes CSV and printable HTML to a file, as of a date', async () => {
    const file = path.join(t.dataDir, 'ropa.html');
    const res = await runCli(t, ['ropa', 'export', '--format', 'html', '--as-of', new Date().toISOString().slice(0, 10), '--output', file]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^Wrote version 1 \(taken .*, SHA-256 [0-9a-f]{64}\) to /);
    expect(fs.readFileSync(file, 'utf8')).toContain('@media print');
    const csv = await runCli(t, ['ropa', 'export', '--format', 'csv']);
    expect(csv.stdout.split('\n')[0]).toMatch(/^version,taken_at,digest/);
  });

  it('refuses a bad format or date, and a date before the first version, with the catalogue exit codes', async () => {
    expect((await runCli(t, ['ropa', 'export', '--format', 'pdf'])).code).toBe(2);
    expect((await runCli(t, ['ropa', 'export', '--as-of', '2026-02-30'])).code).toBe(2);
    expect((await runCli(t, ['ropa', 'export', '--as-of', '2001-01-01'])).code).toBe(5);
  });
});
