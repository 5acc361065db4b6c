import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorCatalogue } from '../../src/errors.ts';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/test-database.ts';
import { runCli } from '../support/run-cli.ts';
import { readChain, rewriteChain, runCliBinary, seedAuditChain, type SeededChain } from './audit-fixture.ts';

const brokenExit = errorCatalogue.AUDIT_CHAIN_BROKEN.exit;

// Each test starts the real binary (a few seconds each, more on a busy machine).
const processTimeout = 180_000;

describe.each(testDialects)('custodian audit verify on %s', (dialect) => {
  let t: TestDatabase;
  let chain: SeededChain;

  beforeEach(async () => {
    t = await createTestDatabase(dialect);
    chain = await seedAuditChain(t, 15);
    await chain.checkpoints.write({ db: t.db.kysely, clock: chain.clock });
    await chain.append(15);
    await chain.checkpoints.write({ db: t.db.kysely, clock: chain.clock });
  });
  afterEach(async () => {
    await t.destroy();
  });

  const expectBroken = async (seq: number, reason: string) => {
    const res = await runCliBinary(t, ['audit', 'verify']);
    expect(res.code).toBe(brokenExit);
    expect(res.stderr).toContain(`AUDIT_CHAIN_BROKEN`);
    expect(res.stderr).toContain(`workspace ${chain.workspaceId}, entry seq ${seq}: ${reason}`);
    return res;
  };

  it('exits 0 with a summary when the chain and checkpoints are intact', async () => {
    const res = await runCli(t, ['audit', 'verify']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Audit log intact: 30 entries in 1 workspace\(s\), 2 signed checkpoint\(s\) verified/);
  }, processTimeout);

  it("names the entry whose action was updated", async () => {
    await t.db.kysely
      .updateTable('audit_log')
      .set({ action: 'nothing.happened' })
      .where('workspace_id', '=', chain.workspaceId)
      .where('seq', '=', 10)
      .execute();
    await expectBroken(10, 'hash-mismatch');
  }, processTimeout);

  it('names a deleted middle entry', async () => {
    await t.db.kysely.deleteFrom('audit_log').where('workspace_id', '=', chain.workspaceId).where('seq', '=', 12).execute();
    await expectBroken(12, 'missing');
  }, processTimeout);

  it('names the entry after one inserted into the middle', async () => {
    const rows = await readChain(t, chain.workspaceId);
    // Make room at 11 (two steps: a unique key is checked row by row on PostgreSQL), then insert a well-formed entry.
    const q = t.db.kysely.updateTable('audit_log').where('workspace_id', '=', chain.workspaceId).where('seq', '>', 10);
    await q.set((eb) => ({ seq: eb('seq', '+', 1000) })).execute();
    await t.db.kysely
      .updateTable('audit_log')
      .where('workspace_id', '=', chain.workspaceId)
      .where('seq', '>', 1000)
      .set((eb) => ({ seq: eb('seq', '-', 999) }))
      .execute();
    const { chainHash } = await import('../../src/kernel/audit/audit-hash.ts');
    const forged = { ...rows[10]!, seq: 11, action: 'forged.entry' };
    await t.db.kysely
      .insertInto('audit_log')
      .values({ ...forged, prev_hash: rows[9]!.hash, hash: chainHash(rows[9]!.hash, forged) })
      .execute();
    await expectBroken(12, 'prev-hash-mismatch');
  }, processTimeout);

  it('names the first of two entries whose seq were swapped', async () => {
    const ws = chain.workspaceId;
    const set = (from: number, to: number) =>
      t.db.kysely.updateTable('audit_log').set({ seq: to }).where('workspace_id', '=', ws).where('seq', '=', from).execute();
    await set(7, -7);
    await set(20, 7);
    await set(-7, 20);
    await expectBroken(7, 'prev-hash-mismatch');
  }, processTimeout);

  it('detects the last entries deleted, from the head', async () => {
    await t.db.kysely.deleteFrom('audit_log').where('workspace_id', '=', chain.workspaceId).where('seq', '>', 27).execute();
    await expectBroken(28, 'truncated');
  }, processTimeout);

  it('detects the last entries deleted with the head moved back, from the signed checkpoint', async () => {
    const rows = await readChain(t, chain.workspaceId);
    await t.db.kysely.deleteFrom('audit_log').where('workspace_id', '=', chain.workspaceId).where('seq', '>', 27).execute();
    await t.db.kysely
      .updateTable('audit_heads')
      .set({ seq: 27, hash: rows[26]!.hash })
      .where('workspace_id', '=', chain.workspaceId)
      .execute();
    const res = await expectBroken(28, 'truncated');
    expect(res.stderr).toContain('signed checkpoint at 30');
  }, processTimeout);

  it('detects the whole chain recomputed without the key, from the signed checkpoints', async () => {
    await rewriteChain(t, chain.workspaceId, (e) => (e.seq === 5 ? { ...e, outcome: 'allowed', action: 'edited' } : e));
    // The chain links again: only the checkpoints (at 15 and 30) can tell. The first one that fails is named.
    const res = await expectBroken(15, 'checkpoint-mismatch');
    expect(res.stderr).toContain('changed between entries 1 and 15');
  }, processTimeout);

  it('detects a chain recomputed from a forged genesis', async () => {
    await rewriteChain(t, chain.workspaceId, (e) => e, 'f'.repeat(64));
    await expectBroken(1, 'bad-genesis');
  }, processTimeout);

  it('detects an edited checkpoint file', async () => {
    const lines = fs.readFileSync(chain.checkpoints.file, 'utf8').trim().split('\n');
    const last = JSON.parse(lines[1]!);
    lines[1] = JSON.stringify({ ...last, seq: 29 });
    fs.writeFileSync(chain.checkpoints.file, `${lines.join('\n')}\n`);
    const res = await runCli(t, ['audit', 'verify']);
    expect(res.code).toBe(brokenExit);
    expect(res.stderr).toContain(`workspace ${chain.workspaceId}, entry seq 29: checkpoint-signature-invalid (checkpoint file line 2)`);
  }, processTimeout);
});
