import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAuditChainReader } from '../../src/kernel/audit/audit-chain-reader.ts';
import { appendAudit } from '../../src/kernel/audit/audit-log.ts';
import { verifyAuditChain } from '../../src/kernel/audit/verify-audit-chain.ts';
import { createWorkspace } from '../../src/workspaces/create-workspace.ts';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/test-database.ts';
import { readChain, rewriteChain, seedAuditChain } from './audit-fixture.ts';

describe.each(testDialects)('audit chain verification on %s', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await t.destroy();
  });

  it('passes the fast path (database-built canonical form) for entries with arbitrary text', async () => {
    const clock = (await seedAuditChain(t, 0)).clock;
    const text = fc.string({ unit: 'grapheme', maxLength: 20 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(text, text, fc.option(text)), { minLength: 1, maxLength: 8 }), async (values) => {
        const workspaceId = await createWorkspace({ db: t.db.kysely, clock, seeders: [] }, { name: 'p' });
        for (const [action, resourceId, purpose] of values) {
          await t.db.kysely.transaction().execute((trx) =>
            appendAudit(trx, { dialect: t.db.dialect, clock }, {
              workspaceId,
              actor: { type: 'system', id: null },
              action: action.replace(/\0/g, ''),
              outcome: 'allowed',
              resourceId: resourceId.replace(/\0/g, ''),
              purpose: purpose?.replace(/\0/g, '') ?? null,
              details: { v: action.replace(/\0/g, '') },
            }),
          );
        }
        const batch = await withAuditChainReader(t.db, (reader) => reader.fastBatch(workspaceId, 0, 100));
        expect(batch?.flagged).toBe(false);
        expect(batch?.count).toBe(values.length);
        const result = await verifyAuditChain(t.db, { workspaceId });
        expect(result).toMatchObject({ ok: true, entries: values.length });
      }),
      { numRuns: 15 },
    );
  });

  it('finds any single changed field of any entry, whatever the batch size', async () => {
    const chain = await seedAuditChain(t, 12);
    const fields = ['at', 'actor_id', 'action', 'resource_type', 'resource_id', 'subject_pseudonym', 'purpose', 'outcome', 'request_id', 'ip', 'details'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom(...fields),
        fc.integer({ min: 1, max: 13 }),
        async (seq, field, batchSize) => {
          const [row] = (await readChain(t, chain.workspaceId)).filter((r) => r.seq === seq);
          const original = row![field];
          await t.db.kysely
            .updateTable('audit_log')
            .set({ [field]: `${original ?? ''}x` })
            .where('workspace_id', '=', chain.workspaceId)
            .where('seq', '=', seq)
            .execute();
          try {
            // Half the time through the worker threads (every batch is "large").
            const workerMinBytes = seq % 2 ? 0 : undefined;
            const result = await verifyAuditChain(t.db, { workspaceId: chain.workspaceId, batchSize, workerMinBytes });
            expect(result.ok).toBe(false);
            expect(result.firstBad).toMatchObject({ workspaceId: chain.workspaceId, seq, reason: 'hash-mismatch' });
          } finally {
            await t.db.kysely
              .updateTable('audit_log')
              .set({ [field]: original })
              .where('workspace_id', '=', chain.workspaceId)
              .where('seq', '=', seq)
              .execute();
          }
        },
      ),
      { numRuns: 20 },
    );
    expect((await verifyAuditChain(t.db, { workspaceId: chain.workspaceId })).ok).toBe(true);
  });

  it('finds a deletion on a batch boundary', async () => {
    const chain = await seedAuditChain(t, 20);
    await t.db.kysely.deleteFrom('audit_log').where('workspace_id', '=', chain.workspaceId).where('seq', '=', 11).execute();
    const result = await verifyAuditChain(t.db, { workspaceId: chain.workspaceId, batchSize: 10 });
    expect(result.firstBad).toEqual({ workspaceId: chain.workspaceId, seq: 11, reason: 'missing' });
    expect(result.entries).toBe(0);
  });

  it('finds a gap longer than a batch, through the worker threads too', async () => {
    const chain = await seedAuditChain(t, 30);
    await t.db.kysely.deleteFrom('audit_log').where('workspace_id', '=', chain.workspaceId).where('seq', '>', 5).where('seq', '<=', 20).execute();
    for (const workerMinBytes of [0, undefined]) {
      const result = await verifyAuditChain(t.db, { workspaceId: chain.workspaceId, batchSize: 4, workerMinBytes });
      expect(result.firstBad).toEqual({ workspaceId: chain.workspaceId, seq: 6, reason: 'missing' });
      expect(result.entries).toBe(0);
    }
  });

  it('verifies only the workspace asked for, and every workspace otherwise', async () => {
    const own = await createTestDatabase(dialect);
    try {
      const good = await seedAuditChain(own, 5);
      const bad = await seedAuditChain(own, 5);
      await own.db.kysely.updateTable('audit_log').set({ ip: '10.0.0.1' }).where('workspace_id', '=', bad.workspaceId).where('seq', '=', 3).execute();
      expect(await verifyAuditChain(own.db, { workspaceId: good.workspaceId })).toMatchObject({ ok: true, entries: 5, workspaces: 1 });
      const all = await verifyAuditChain(own.db);
      expect(all.ok).toBe(false);
      expect(all.firstBad).toMatchObject({ workspaceId: bad.workspaceId, seq: 3, reason: 'hash-mismatch' });
      await own.db.kysely.updateTable('audit_log').set({ ip: '127.0.0.1' }).where('workspace_id', '=', bad.workspaceId).where('seq', '=', 3).execute();
      expect(await verifyAuditChain(own.db)).toMatchObject({ ok: true, entries: 10, workspaces: 2 });
    } finally {
      await own.destroy();
    }
  });

  it('counts the verified checkpoints and accepts a restore marker at an earlier head', async () => {
    const chain = await seedAuditChain(t, 6);
    const scope = { workspaceId: chain.workspaceId, checkpoints: chain.checkpoints };
    expect(await chain.checkpoints.write({ db: t.db.kysely, clock: chain.clock })).toBeGreaterThanOrEqual(1);
    // Unchanged heads are not signed again.
    expect(await chain.checkpoints.write({ db: t.db.kysely, clock: chain.clock })).toBe(0);
    await chain.append(4);
    await chain.checkpoints.write({ db: t.db.kysely, clock: chain.clock });
    expect(await verifyAuditChain(t.db, scope)).toMatchObject({ ok: true, entries: 10, checkpoints: 2 });
    // As if the database were restored to entry 6: the checkpoint at 10 now points past the end ...
    const rows = await readChain(t, chain.workspaceId);
    await t.db.kysely.deleteFrom('audit_log').where('workspace_id', '=', chain.workspaceId).where('seq', '>', 6).execute();
    await t.db.kysely.updateTable('audit_heads').set({ seq: 6, hash: rows[5]!.hash }).where('workspace_id', '=', chain.workspaceId).execute();
    expect((await verifyAuditChain(t.db, scope)).firstBad).toMatchObject({ seq: 7, reason: 'truncated' });
    // ... until the operator, who holds the key, signs the restore.
    await chain.checkpoints.markRestored({ db: t.db.kysely, clock: chain.clock });
    expect(await verifyAuditChain(t.db, scope)).toMatchObject({ ok: true, entries: 6, checkpoints: 3 });
    await chain.append(2);
    expect((await verifyAuditChain(t.db, scope)).ok).toBe(true);
  });

  it('reports a rewritten chain at the first checkpoint it no longer passes', async () => {
    const chain = await seedAuditChain(t, 4);
    const scope = { workspaceId: chain.workspaceId, checkpoints: chain.checkpoints };
    for (let i = 0; i < 3; i++) {
      await chain.checkpoints.write({ db: t.db.kysely, clock: chain.clock });
      await chain.append(4);
    }
    await rewriteChain(t, chain.workspaceId, (e) => (e.seq === 6 ? { ...e, action: 'other' } : e));
    expect((await verifyAuditChain(t.db, scope)).firstBad).toEqual({
      workspaceId: chain.workspaceId,
      seq: 8,
      reason: 'checkpoint-mismatch',
      detail: 'changed between entries 5 and 8',
    });
  });
});
