import type { DialectName } from '../src/db/database.ts';
import { createGovernanceArea } from '../src/governance/organisation/governance-area.ts';
import { seedCatalogue } from '../src/kernel/catalogue/seed-catalogue.ts';
import { systemClock } from '../src/kernel/clock.ts';
import { createPrivacyKernel } from '../src/kernel/gate/create-privacy-kernel.ts';
import type { ActorContext } from '../src/kernel/gate/processing-context.ts';
import { seedPurposes } from '../src/kernel/purposes/purpose-register.ts';
import { createWorkspace, seedBuiltinRoles } from '../src/workspaces/create-workspace.ts';
import { createBenchDatabase } from './bench-database.ts';
import { appendResults, formatNumber } from './bench-results.ts';

/**
 * The records of processing are generated on every read of the current record: the cost of generating them, of a read
 * that finds them unchanged (generate + digest + compare) and of a read that stores a new version, for a workspace with
 * `BENCH_ROPA_PROCESSORS` processors (default 200), one transfer each outside the EEA, and 25 purposes.
 */
const processorCount = Number(process.env.BENCH_ROPA_PROCESSORS ?? 200);
const rounds = Number(process.env.BENCH_ROPA_ROUNDS ?? 50);
const countries = ['US', 'DE', 'IN', 'JP', 'FR', 'BR', 'GB', 'CA'];

async function run(dialect: DialectName): Promise<void> {
  const bench = await createBenchDatabase(dialect);
  try {
    const db = bench.db.kysely;
    const workspaceId = await createWorkspace({ db, clock: systemClock, seeders: [seedBuiltinRoles, seedCatalogue, seedPurposes] }, { name: 'bench' });
    const kernel = createPrivacyKernel({ dialect, clock: systemClock });
    const ctx: ActorContext = { workspaceId, actor: { type: 'system', id: 'bench' } };
    for (let i = 0; i < 20; i++) {
      await kernel.purposes.create(db, ctx, { key: `bench_purpose_${i}`, name: `Bench purpose ${i}`, lawfulBasis: 'contract', retention: 'P2Y', requiredCategories: ['user.contact'] });
    }
    const governance = createGovernanceArea({
      dialect,
      clock: systemClock,
      catalogue: kernel.catalogue,
      purposes: kernel.purposes,
      securityFacts: async () => ({ kekVersion: 1, kekSource: 'env', mfaRoles: ['Owner'], sessionIdleMinutes: 30, sessionAbsoluteHours: 12, tls: true }),
    });
    const purposeKeys = ['crm', 'sales', 'support', ...Array.from({ length: 20 }, (_, i) => `bench_purpose_${i}`)];
    const t0 = performance.now();
    for (let i = 0; i < processorCount; i++) {
      const country = countries[i % countries.length] ?? 'US';
      const p = await governance.processors.create(db, ctx, {
        name: `Processor ${String(i).padStart(4, '0')}`,
        role: 'processor',
        services: 'Hosting',
        dataCategories: ['user.contact.email', 'user.name'],
        purposes: [purposeKeys[i % purposeKeys.length] ?? 'crm'],
        countries: [country],
        reviewOn: '2027-01-01',
      });
      if (country !== 'DE' && country !== 'FR') {
        await governance.transfers.create(db, ctx, { processorId: p.id, country, tool: 'scc', sccModule: 2, tiaReference: `TIA-${i}` });
      }
    }
    const setupMs = performance.now() - t0;

    const time = async (fn: () => Promise<unknown>) => {
      for (let i = 0; i < 3; i++) await fn();
      const start = performance.now();
      for (let i = 0; i < rounds; i++) await fn();
      return (performance.now() - start) / rounds;
    };
    const generate = await time(() => governance.ropa.generate(db, workspaceId));
    const unchanged = await time(() => governance.ropa.record(db, workspaceId, 'read'));
    const stored = await time(() => governance.ropa.record(db, workspaceId, 'on_demand'));
    const size = JSON.stringify((await governance.ropa.record(db, workspaceId, 'read')).document).length;
    appendResults('records of processing: generation and versioning', dialect, [
      '| operation | mean ms |',
      '|---|---|',
      `| generate the records (${processorCount} processors, 25 purposes) | ${generate.toFixed(1)} |`,
      `| read the current records, unchanged (generate + digest + compare) | ${unchanged.toFixed(1)} |`,
      `| store a new version (generate + digest + insert) | ${stored.toFixed(1)} |`,
      '',
      `(${rounds} rounds after 3 warm-up rounds; document ${formatNumber(size)} bytes of JSON; setup with every write recording a version: ${formatNumber(Math.round(setupMs))} ms for ${processorCount} processors and their transfers.)`,
    ]);
  } finally {
    await bench.destroy();
  }
}

await run('sqlite');
await run('postgres');
