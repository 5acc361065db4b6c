/**
 * Export benchmark: `npx tsx bench/export.bench.ts` (SQLite) or with `BENCH_DIALECT=postgres`.
 *
 * Exports N people (default 20,000; `BENCH_PEOPLE`) with two custom fields each as CSV through the exporter the API
 * uses: one gate check and audit entry, data keys unwrapped page by page, every value decrypted, CSV cells
 * neutralised, streamed. Beside it, the same number of rows of plain text through the same CSV writer, to show what the
 * kernel costs. People are created with `people.createMany` (the importer's path). Appends to bench/RESULTS.md.
 */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadConfig } from '../src/config.ts';
import { ensureFirstStart } from '../src/bootstrap.ts';
import type { DialectName } from '../src/db/database.ts';
import { exportStream } from '../src/crm/export/export-stream.ts';
import { systemClock } from '../src/kernel/clock.ts';
import { createAppServices } from '../src/services.ts';
import { createBenchDatabase } from './bench-database.ts';
import { appendResults, formatNumber } from './bench-results.ts';

const dialect: DialectName = process.env.BENCH_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
const peopleCount = Number(process.env.BENCH_PEOPLE ?? 20_000);

/** A sink that counts bytes. */
function counter(): { sink: Writable; bytes: () => number } {
  let n = 0;
  return { sink: new Writable({ write(chunk: Buffer, _enc, done) { n += chunk.length; done(); } }), bytes: () => n };
}

async function main(): Promise<void> {
  const bench = await createBenchDatabase(dialect);
  const { db } = bench;
  const config = loadConfig({
    CUSTODIAN_MODE: 'test',
    CUSTODIAN_DATA_DIR: bench.dataDir,
    CUSTODIAN_ADMIN_EMAIL: 'owner@bench.example',
    CUSTODIAN_ADMIN_PASSWORD: 'correct horse battery staple 42',
    ...(bench.postgresUrl ? { CUSTODIAN_DATABASE_URL: bench.postgresUrl } : {}),
  });
  const { workspaceId } = await ensureFirstStart({ config, db, clock: systemClock });
  const services = await createAppServices({ config, db, clock: systemClock });
  const actor = { workspaceId, actor: { type: 'system' as const, id: 'bench' } };
  const ctx = { ...actor, purpose: 'crm', role: { purposes: ['*'], dataCategories: ['*'] } };
  const classification = { category: 'user.professional_information', special: false, source: 'provided' as const, retention: 'P2Y', purposes: ['crm'] };
  await services.customFields.definitions.create(actor, { entity: 'person', key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'], filterable: true, classification });
  await services.customFields.definitions.create(actor, { entity: 'person', key: 'motto', label: 'Motto', type: 'text', classification });

  const genStart = Date.now();
  for (let start = 0; start < peopleCount; start += 1000) {
    const items = Array.from({ length: Math.min(1000, peopleCount - start) }, (_, k) => ({ firstName: `First${start + k}`, lastName: `Last${start + k}`, email: `p${start + k}@bench.example` }));
    const created = await services.people.createMany(ctx, items, { source: 'import' });
    for (const [k, p] of created.entries()) {
      await services.customFields.values.putForPerson(ctx, p.id, 0, { tier: k % 3 === 0 ? 'gold' : 'silver', motto: k % 10 === 0 ? '=SUM(A1:A9)' : 'steady' });
    }
  }
  const genSeconds = (Date.now() - genStart) / 1000;

  const heapBefore = process.memoryUsage().rss;
  let peak = heapBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  const prepared = await services.exporter.preparePeople(ctx, {});
  const prepareMs = performance.now() - t0;
  const out = counter();
  await pipeline(exportStream('csv', prepared.columns, prepared.rows), out.sink);
  const exportMs = performance.now() - t0;
  clearInterval(sampler);

  const plain = counter();
  const t1 = performance.now();
  const plainRows = async function* () {
    for (let i = 0; i < peopleCount; i += 1) yield { id: `${i}`, firstName: `First${i}`, lastName: `Last${i}`, email: `p${i}@bench.example`, 'custom.tier': 'gold', 'custom.motto': 'steady' };
  };
  await pipeline(exportStream('csv', ['id', 'firstName', 'lastName', 'email', 'custom.tier', 'custom.motto'], plainRows()), plain.sink);
  const plainMs = performance.now() - t1;

  const rate = (prepared.count / exportMs) * 1000;
  const plainRate = (peopleCount / plainMs) * 1000;
  const lines = [
    `People: ${formatNumber(peopleCount)} with 2 custom fields each (generated through people.createMany and putForPerson in ${genSeconds.toFixed(0)} s).`,
    '',
    '| export | rows | time | rows/s | peak RSS |',
    '|---|---|---|---|---|',
    `| people CSV through the gate (decrypt, custom values, neutralise) | ${formatNumber(prepared.count)} | ${(exportMs / 1000).toFixed(1)} s | ${formatNumber(rate)} | ${formatNumber(peak / 1048576)} MiB (${formatNumber(heapBefore / 1048576)} MiB before) |`,
    `| of which: selection, standing and the one gate check with ${formatNumber(prepared.count)} ids | | ${(prepareMs / 1000).toFixed(1)} s | | |`,
    `| same rows of plain text, same CSV writer (no database, no kernel) | ${formatNumber(peopleCount)} | ${(plainMs / 1000).toFixed(1)} s | ${formatNumber(plainRate)} | — |`,
  ];
  console.log(lines.join('\n'));
  appendResults('export (people CSV)', dialect, lines);
  await bench.destroy();
}

await main();
