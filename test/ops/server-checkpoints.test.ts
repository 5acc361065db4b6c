import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditCheckpoints } from '../../src/kernel/audit/audit-checkpoints.ts';
import { appendAudit } from '../../src/kernel/audit/audit-log.ts';
import { createFixedClock } from '../../src/kernel/clock.ts';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/test-database.ts';
import { runCli } from '../support/run-cli.ts';

const root = path.resolve(import.meta.dirname, '../..');

// Each test starts the real binary (a few seconds each, more on a busy machine).
const processTimeout = 180_000;

describe.each(testDialects)('the server process and audit checkpoints on %s', (dialect) => {
  let t: TestDatabase;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await t.destroy();
  });

  it('signs a checkpoint from the scheduled job at start and a final one at shutdown', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: '0',
      CUSTODIAN_DATA_DIR: t.dataDir,
      CUSTODIAN_MODE: 'development',
      LOG_LEVEL: 'warn',
      CUSTODIAN_ADMIN_EMAIL: 'owner@example.test',
      CUSTODIAN_ADMIN_PASSWORD: 'correct horse battery staple 42',
    };
    if (t.postgresUrl) env.CUSTODIAN_DATABASE_URL = t.postgresUrl;
    else delete env.CUSTODIAN_DATABASE_URL;
    const server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = server;
    let out = '';
    server.stdout!.on('data', (chunk) => (out += chunk));
    server.stderr!.on('data', (chunk) => (out += chunk));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 120_000);
      server.stdout!.on('data', () => {
        if (out.includes('Custodian is running at')) {
          clearTimeout(timer);
          resolve();
        }
      });
      server.on('exit', () => reject(new Error(`server exited: ${out}`)));
    });
    const checkpoints = createAuditCheckpoints({ keysDir: path.join(t.dataDir, 'keys'), dataDir: t.dataDir });
    const headSeq = async () => {
      const head = await t.db.kysely.selectFrom('audit_heads').select(['workspace_id', 'seq']).executeTakeFirstOrThrow();
      return { workspaceId: head.workspace_id, seq: Number(head.seq) };
    };
    const marks = (workspaceId: string) => checkpoints.read().byWorkspace.get(workspaceId)?.map((m) => m.seq) ?? [];
    const start = await headSeq();
    // The scheduler ticks right after listen: the first-start entries get sealed.
    for (let i = 0; i < 100 && !marks(start.workspaceId).includes(start.seq); i++) await new Promise((r) => setTimeout(r, 100));
    expect(marks(start.workspaceId)).toContain(start.seq);
    // The signing key sits in the keys folder, readable by the owner only; the log in the data folder.
    expect(fs.statSync(path.join(t.dataDir, 'keys', 'audit-signing.key')).mode & 0o777).toBe(0o600);
    expect(checkpoints.file).toBe(path.join(t.dataDir, 'audit', 'checkpoints.jsonl'));
    const runs = await t.db.kysely.selectFrom('job_runs').selectAll().where('name', '=', 'audit.checkpoint').execute();
    expect(runs.length).toBeGreaterThanOrEqual(1);

    // Entries written after that tick (as another server process would) are sealed at shutdown.
    const clock = createFixedClock();
    for (let i = 0; i < 3; i++) {
      await t.db.kysely.transaction().execute((trx) =>
        appendAudit(trx, { dialect: t.db.dialect, clock }, { workspaceId: start.workspaceId, actor: { type: 'system', id: 'test' }, action: 'test.entry', outcome: 'allowed' }),
      );
    }
    const exit = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    expect(await exit).toBe(0);
    // The server's own daily jobs (compliance audit, retention sweep…) may have written entries too: the final
    // checkpoint seals the head as the server left it, which covers the three written here.
    const end = await headSeq();
    expect(end.seq).toBeGreaterThanOrEqual(start.seq + 3);
    expect(marks(start.workspaceId)).toContain(end.seq);
    const verify = await runCli(t, ['audit', 'verify']);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain(`Audit log intact: ${end.seq} entries`);
  }, processTimeout);
});
