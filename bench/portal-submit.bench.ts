/**
 * Privacy portal submissions under concurrent load with the rate limits on (issue 6): `POST /privacy/:workspaceId`
 * through the whole app (inject, no sockets). Each records an unverified request (requester email encrypted, matched
 * through the blind index), its verification (code and link hashes), a timeline step and audit entries; the email with
 * the code leaves after the answer. Known and unknown addresses are interleaved at random so both see the same load;
 * the figures compare their latencies (the portal must not reveal whether we hold data, timing included).
 * Default limits stay on (5 per email per hour, 20 per IP per 10 minutes, 600 per workspace per minute): every
 * submission comes from its own IP and address, and the run stays under the workspace's 600 per minute.
 * `BENCH_PORTAL_SUBMISSIONS` (default 500), `BENCH_PORTAL_CONCURRENCY` (default 8).
 */
import { loadConfig } from '../src/config.ts';
import { ensureFirstStart } from '../src/bootstrap.ts';
import { buildApp } from '../src/http/app.ts';
import { systemClock } from '../src/kernel/clock.ts';
import { createAppServices } from '../src/services.ts';
import { createBenchDatabase } from './bench-database.ts';
import { appendResults, formatNumber } from './bench-results.ts';

const total = Number(process.env.BENCH_PORTAL_SUBMISSIONS ?? 500);
const concurrency = Number(process.env.BENCH_PORTAL_CONCURRENCY ?? 8);
const knownPeople = 1_000;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const ms = (n: number) => `${n.toFixed(1)} ms`;

for (const dialect of ['sqlite', 'postgres'] as const) {
  const bench = await createBenchDatabase(dialect);
  const config = loadConfig({
    CUSTODIAN_MODE: 'test',
    CUSTODIAN_DATA_DIR: bench.dataDir,
    CUSTODIAN_ADMIN_EMAIL: 'owner@example.test',
    CUSTODIAN_ADMIN_PASSWORD: 'correct horse battery staple 42',
    ...(bench.postgresUrl ? { CUSTODIAN_DATABASE_URL: bench.postgresUrl } : {}),
  });
  const first = await ensureFirstStart({ config, db: bench.db, clock: systemClock });
  const services = await createAppServices({ config, db: bench.db, clock: systemClock });
  const app = await buildApp({ config, db: bench.db, clock: systemClock, logger: false, ...services });
  await app.ready();
  const owner = {
    workspaceId: first.workspaceId,
    actor: { type: 'system' as const, id: 'bench' },
    purpose: 'crm',
    role: { purposes: ['*'], dataCategories: ['*'] },
  };
  for (let i = 0; i < knownPeople; i += 500) {
    const items = Array.from({ length: Math.min(500, knownPeople - i) }, (_, j) => ({
      firstName: 'Known',
      lastName: `Person ${i + j}`,
      email: `known${i + j}@example.org`,
    }));
    await services.people.createMany(owner, items, { source: 'import' });
  }

  // Half known, half unknown, shuffled (deterministic).
  const plan = Array.from(
    { length: total },
    (_, i) => (i % 2 === 0 ? 'known' : 'unknown') as 'known' | 'unknown',
  );
  let seed = 42;
  for (let i = plan.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = seed % (i + 1);
    [plan[i], plan[j]] = [plan[j]!, plan[i]!];
  }
  const latencies = { known: [] as number[], unknown: [] as number[] };
  const statuses = new Map<number, number>();
  let next = 0;
  const submit = async (i: number, kind: 'known' | 'unknown', ipBase: number) => {
    const email = kind === 'known' ? `known${i % knownPeople}@example.org` : `stranger${i}@example.net`;
    const started = performance.now();
    const res = await app.inject({
      method: 'POST',
      url: `/privacy/${first.workspaceId}`,
      remoteAddress: `10.${ipBase}.${(i >> 8) & 255}.${i & 255}`,
      payload: { type: 'access', email, language: 'en' },
    });
    const elapsed = performance.now() - started;
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    return { elapsed, ok: res.statusCode === 202 };
  };
  for (let i = 0; i < 20; i++) await submit(knownPeople + i, i % 2 === 0 ? 'known' : 'unknown', 200); // warm-up
  statuses.clear();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < plan.length) {
        const i = next++;
        const kind = plan[i]!;
        const { elapsed, ok } = await submit(i, kind, 1);
        if (ok) latencies[kind].push(elapsed);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  // The limits were on: one IP past its 20 per 10 minutes is refused.
  let limited = 0;
  for (let i = 0; i < 21; i++)
    if (
      (
        await app.inject({
          method: 'POST',
          url: `/privacy/${first.workspaceId}`,
          remoteAddress: '10.250.0.1',
          payload: { type: 'access', email: `burst${i}@example.org` },
        })
      ).statusCode === 429
    )
      limited++;

  const known = [...latencies.known].sort((a, b) => a - b);
  const unknown = [...latencies.unknown].sort((a, b) => a - b);
  const rate = (known.length + unknown.length) / seconds;
  const summary = Object.entries(Object.fromEntries(statuses))
    .map(([s, n]) => `${n}×${s}`)
    .join(', ');
  const line = (label: string, values: number[]) =>
    `| ${label} | ${values.length} | ${ms(percentile(values, 50))} | ${ms(percentile(values, 99))} |`;
  console.log(
    `${dialect}: ${formatNumber(rate)} submissions/s; known p50 ${ms(percentile(known, 50))} p99 ${ms(percentile(known, 99))}; unknown p50 ${ms(percentile(unknown, 50))} p99 ${ms(percentile(unknown, 99))}; statuses ${summary}; burst from one IP: ${limited} of 21 refused`,
  );
  appendResults('privacy portal submissions (limits on)', dialect, [
    `${total} submissions, ${concurrency} concurrent, in process (inject); ${formatNumber(knownPeople)} people held; every submission its own IP and address; answers ${summary}; ${formatNumber(rate)} submissions/s.`,
    '',
    '| addresses | submissions | p50 | p99 |',
    '|---|---|---|---|',
    line('known (a person we hold)', known),
    line('unknown', unknown),
    `| margin (unknown − known) | | ${ms(percentile(unknown, 50) - percentile(known, 50))} | ${ms(percentile(unknown, 99) - percentile(known, 99))} |`,
    '',
    `Limits enforced during the run (defaults); afterwards a burst of 21 from one IP: ${limited} refused with 429.`,
  ]);
  // Let the verification emails still queued reach the outbox before the database goes.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await app.close();
  await bench.destroy();
}
