import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createAuditCheckpoints } from '../src/kernel/audit/audit-checkpoints.ts';
import { verifyAuditChain } from '../src/kernel/audit/verify-audit-chain.ts';
import { systemClock } from '../src/kernel/clock.ts';
import { createWorkspace } from '../src/workspaces/create-workspace.ts';
import { createBenchDatabase } from './bench-database.ts';
import { appendResults, formatNumber } from './bench-results.ts';
import { generateAuditLog } from './generate-audit-log.ts';

/**
 * `custodian audit verify` over 1,000,000 entries (target: at least 500,000 entries/s): the verification itself,
 * in process, and the real command end to end (process start included).
 */
const count = Number(process.env.BENCH_VERIFY_ENTRIES ?? 1_000_000);
const root = path.resolve(import.meta.dirname, '..');
const dialects = (process.env.BENCH_VERIFY_DIALECTS ?? 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;

for (const dialect of dialects) {
  const bench = await createBenchDatabase(dialect);
  const { db } = bench;
  const workspaceId = await createWorkspace({ db: db.kysely, clock: systemClock, seeders: [] }, { name: 'bench' });
  let t = performance.now();
  await generateAuditLog(db, workspaceId, count);
  const generated = (performance.now() - t) / 1000;
  console.log(`${dialect}: generated ${formatNumber(count)} entries in ${generated.toFixed(1)} s`);
  const checkpoints = createAuditCheckpoints({ keysDir: path.join(bench.dataDir, 'keys'), dataDir: bench.dataDir });
  await checkpoints.write({ db: db.kysely, clock: systemClock });

  const runs: number[] = [];
  const cpuRuns: number[] = [];
  for (let i = 0; i < 2; i++) {
    t = performance.now();
    const cpu = process.cpuUsage();
    const result = await verifyAuditChain(db, { checkpoints });
    const s = (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu);
    // CPU time of this process: on a shared machine, closer to what the code costs than the wall clock.
    const cpuSeconds = (used.user + used.system) / 1e6;
    if (!result.ok || result.entries !== count) throw new Error(`verification failed: ${JSON.stringify(result)}`);
    runs.push(s);
    cpuRuns.push(cpuSeconds);
    console.log(`${dialect}: verified in process in ${s.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU of this process (${formatNumber(count / s)} entries/s wall)`);
  }
  const best = Math.min(...runs);
  const bestCpu = Math.min(...cpuRuns);

  t = performance.now();
  const cli = spawnSync(process.execPath, [path.join(root, 'bin/custodian.js'), 'audit', 'verify'], {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...process.env,
      CUSTODIAN_DATA_DIR: bench.dataDir,
      CUSTODIAN_MODE: 'test',
      ...(bench.postgresUrl ? { CUSTODIAN_DATABASE_URL: bench.postgresUrl } : { CUSTODIAN_DATABASE_URL: '' }),
    },
  });
  const wall = (performance.now() - t) / 1000;
  if (cli.status !== 0) throw new Error(`custodian audit verify exited ${cli.status}: ${cli.stderr}`);
  const reported = /in ([\d.]+) s \((\d+) entries\/s\)/.exec(cli.stdout);
  console.log(cli.stdout.trim());
  await bench.destroy();
  appendResults(`Audit verify over ${formatNumber(count)} entries`, dialect, [
    '| measure | time | entries/s |',
    '|---|---|---|',
    `| verifyAuditChain in process, wall clock (best of ${runs.length}) | ${best.toFixed(2)} s | ${formatNumber(count / best)} |`,
    // On PostgreSQL the hashing runs in the database server, so Node's CPU time says nothing.
    ...(dialect === 'sqlite'
      ? [`| verifyAuditChain in process, CPU time of the Node process (all threads) | ${bestCpu.toFixed(2)} s | ${formatNumber(count / bestCpu)} |`]
      : []),
    `| \`custodian audit verify\`: verification as the command reports it | ${reported?.[1] ?? '?'} s | ${formatNumber(Number(reported?.[2] ?? 0))} |`,
    `| \`custodian audit verify\`: whole process, start to exit | ${wall.toFixed(2)} s | ${formatNumber(count / wall)} |`,
    '',
    `Target: at least 500,000 entries/s. (Generating the entries took ${generated.toFixed(1)} s.)`,
  ]);
}
