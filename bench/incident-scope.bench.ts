import pg from 'pg';
import type { Db, DialectName } from '../src/db/database.ts';
import { workspaceSeeders } from '../src/bootstrap.ts';
import { createFixedClock } from '../src/kernel/clock.ts';
import { createPrivacyKernel } from '../src/kernel/gate/create-privacy-kernel.ts';
import { computeAffectedScope } from '../src/monitoring/incidents/affected-scope.ts';
import { createWorkspace } from '../src/workspaces/create-workspace.ts';
import { appendResults, formatNumber } from './bench-results.ts';
import { createBenchDatabase } from './bench-database.ts';

/**
 * Incident scope: how long the register takes to compute the Art. 33(3)(a) numbers (distinct people, records,
 * categories) for the accounts of an incident from an audit log of 200,000 gate entries by 50 accounts over 7 days.
 * Rows are inserted straight into `audit_log` with the gate's detail shape (the chain hashes are placeholders: the
 * computation never reads them). One account holds 1/50 of the entries (~4,000: 90 % single reads over 100,000
 * pseudonyms, 10 % bulk exports of 50-500 people). No `persons` rows: the upper bound is capped at the people
 * stored, so it shows as the lower bound here; the figure is the time.
 */
const entries = 200_000;
const accounts = 50;
const start = Date.parse('2026-03-01T00:00:00.000Z');
const spanMs = 7 * 86_400_000;
const actorId = (n: number) => `a3c1f1de-4a8e-4c39-9f55-${String(n).padStart(12, '0')}`;

const columns = [
  'workspace_id',
  'seq',
  'at',
  'actor_type',
  'actor_id',
  'action',
  'resource_type',
  'resource_id',
  'subject_pseudonym',
  'purpose',
  'outcome',
  'request_id',
  'ip',
  'details',
  'prev_hash',
  'hash',
] as const;

function row(workspaceId: string, n: number, offset: number): unknown[] {
  const seq = n;
  const bulk = Math.floor(seq / accounts) % 10 === 0;
  const details = bulk
    ? {
        operation: 'export',
        categories: ['user.name.first', 'user.contact.email'],
        count: 50 + (seq % 451),
        digest: `d${seq % 997}`,
      }
    : {
        operation: 'read',
        categories: ['user.name.first', 'user.name.last', 'user.contact.email'],
        count: 1,
      };
  return [
    workspaceId,
    offset + seq,
    new Date(start + Math.floor((seq / entries) * spanMs)).toISOString(),
    'user',
    actorId(seq % accounts),
    bulk ? 'processing.export' : 'processing.read',
    'person',
    null,
    bulk ? null : `psn_${((seq * 7919) % 100_000).toString(36)}`,
    'crm',
    'allowed',
    null,
    null,
    JSON.stringify(details),
    'x',
    'x',
  ];
}

async function fill(db: Db, workspaceId: string): Promise<void> {
  const head = await db.kysely
    .selectFrom('audit_heads')
    .select('seq')
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  const offset = Number(head?.seq ?? 0);
  if (db.dialect === 'sqlite') {
    const insert = db.sqlite!.prepare(
      `insert into audit_log (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
    );
    db.sqlite!.transaction(() => {
      for (let seq = 1; seq <= entries; seq++) insert.run(...row(workspaceId, seq, offset));
    })();
  } else {
    const client = new pg.Client({ connectionString: db.postgresUrl });
    await client.connect();
    const types = columns.map((c) => (c === 'seq' ? 'bigint[]' : 'text[]'));
    const text = `insert into audit_log (${columns.join(', ')}) select * from unnest(${types.map((t, i) => `$${i + 1}::${t}`).join(', ')})`;
    for (let from = 1; from <= entries; from += 20_000) {
      const arrays: unknown[][] = columns.map(() => []);
      for (let seq = from; seq < from + 20_000 && seq <= entries; seq++)
        row(workspaceId, seq, offset).forEach((v, i) => arrays[i]!.push(v));
      await client.query(text, arrays);
    }
    await client.query('analyze audit_log');
    await client.end();
  }
  await db.kysely
    .updateTable('audit_heads')
    .set({ seq: offset + entries, hash: 'x' })
    .where('workspace_id', '=', workspaceId)
    .execute();
}

async function run(dialect: DialectName): Promise<void> {
  const b = await createBenchDatabase(dialect);
  try {
    const clock = createFixedClock('2026-03-08T00:00:00.000Z');
    const workspaceId = await createWorkspace(
      { db: b.db.kysely, clock, seeders: workspaceSeeders },
      { name: 'Bench' },
    );
    await fill(b.db, workspaceId);
    const kernel = createPrivacyKernel({
      dialect,
      clock,
      pseudonymsOf: async () => new Map(),
      personExists: async () => true,
    });
    const deps = { catalogue: kernel.catalogue, purposes: kernel.purposes };
    const cases = [
      { label: '1 account, 7 days', actors: [actorId(7)], from: start, to: start + spanMs },
      {
        label: '1 account, 1 night (6 h)',
        actors: [actorId(7)],
        from: start + 2 * 86_400_000,
        to: start + 2 * 86_400_000 + 6 * 3_600_000,
      },
      { label: '5 accounts, 7 days', actors: [1, 2, 3, 4, 5].map(actorId), from: start, to: start + spanMs },
    ];
    const lines = [
      `${formatNumber(entries)} gate entries by ${accounts} accounts over 7 days; median of 5 runs (first run warms the caches).`,
      '',
      '| scope | entries matched | people (low-high) | records | median |',
      '|---|---|---|---|---|',
    ];
    for (const c of cases) {
      const times: number[] = [];
      let last;
      for (let i = 0; i < 6; i++) {
        const t0 = performance.now();
        last = await computeAffectedScope(b.db.kysely, deps, {
          workspaceId,
          actors: c.actors.map((id) => ({ type: 'user' as const, id })),
          from: new Date(c.from).toISOString(),
          to: new Date(c.to).toISOString(),
          now: clock.now().toISOString(),
        });
        if (i > 0) times.push(performance.now() - t0);
      }
      times.sort((x, y) => x - y);
      lines.push(
        `| ${c.label} | ${formatNumber(last!.entries)} | ${formatNumber(last!.peopleLow)}-${formatNumber(last!.peopleHigh)} | ${formatNumber(last!.records)} | ${times[2]!.toFixed(0)} ms |`,
      );
    }
    appendResults('Incident scope from the audit log (H7)', dialect, lines);
  } finally {
    await b.destroy();
  }
}

await run('sqlite');
await run('postgres');
