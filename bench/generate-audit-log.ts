import pg from 'pg';
import type { Db } from '../src/db/database.ts';
import { chainHash, genesisHash, type ChainedFields } from '../src/kernel/audit/audit-hash.ts';

/**
 * Writes `count` well-formed chained entries for one workspace straight into the table (far faster than `appendAudit`,
 * which the append benchmark measures) and moves the head. Realistic shapes: uuids, pseudonyms, small details.
 *
 * @example
 * await generateAuditLog(db, workspaceId, 1_000_000);
 */
export async function generateAuditLog(db: Db, workspaceId: string, count: number): Promise<void> {
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  const actions = ['person.read', 'person.update', 'user.sign_in', 'consent.give', 'export.create'];
  const entry = (seq: number): ChainedFields => ({
    workspace_id: workspaceId,
    seq,
    at: new Date(start + seq * 250).toISOString(),
    actor_type: seq % 7 === 0 ? 'token' : 'user',
    actor_id: `a3c1f1de-4a8e-4c39-9f55-${String(seq % 50).padStart(12, '0')}`,
    action: actions[seq % actions.length]!,
    resource_type: 'person',
    resource_id: `6f0b1f5e-7d3c-4b1a-9e2f-${String(seq % 100_000).padStart(12, '0')}`,
    subject_pseudonym: seq % 3 === 0 ? null : `psn_${(seq % 100_000).toString(36)}`,
    purpose: seq % 2 ? 'crm' : null,
    outcome: seq % 50 === 0 ? 'denied' : 'allowed',
    request_id: `0b8a8f43-7c55-4d2b-a2b4-${String(seq).padStart(12, '0')}`,
    ip: '203.0.113.7',
    details: seq % 5 === 0 ? '{"fields":["email","phone"],"count":2}' : '{}',
  });
  let prev = genesisHash;
  const columns = [
    'workspace_id', 'seq', 'at', 'actor_type', 'actor_id', 'action', 'resource_type', 'resource_id',
    'subject_pseudonym', 'purpose', 'outcome', 'request_id', 'ip', 'details', 'prev_hash', 'hash',
  ] as const;
  if (db.dialect === 'sqlite') {
    const handle = db.sqlite!;
    const insert = handle.prepare(`insert into audit_log (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`);
    const batch = handle.transaction((from: number, to: number) => {
      for (let seq = from; seq <= to; seq++) {
        const e = entry(seq);
        const hash = chainHash(prev, e);
        insert.run(...columns.slice(0, 14).map((c) => e[c as keyof ChainedFields]), prev, hash);
        prev = hash;
      }
    });
    for (let from = 1; from <= count; from += 50_000) batch(from, Math.min(count, from + 49_999));
  } else {
    const client = new pg.Client({ connectionString: db.postgresUrl });
    await client.connect();
    const types = columns.map((c) => (c === 'seq' ? 'bigint[]' : 'text[]'));
    const text = `insert into audit_log (${columns.join(', ')}) select * from unnest(${types.map((t, i) => `$${i + 1}::${t}`).join(', ')})`;
    for (let from = 1; from <= count; from += 20_000) {
      const to = Math.min(count, from + 19_999);
      const arrays: unknown[][] = columns.map(() => []);
      for (let seq = from; seq <= to; seq++) {
        const e = entry(seq);
        const hash = chainHash(prev, e);
        columns.forEach((c, i) => arrays[i]!.push(c === 'prev_hash' ? prev : c === 'hash' ? hash : e[c as keyof ChainedFields]));
        prev = hash;
      }
      await client.query(text, arrays);
    }
    await client.query('analyze audit_log');
    await client.end();
  }
  await db.kysely.updateTable('audit_heads').set({ seq: count, hash: prev }).where('workspace_id', '=', workspaceId).execute();
}
