import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { builtinRoles } from '../../src/identity/permissions.ts';
import { appendAuditBatch } from '../../src/kernel/audit/audit-log.ts';
import { verifyAuditChain } from '../../src/kernel/audit/verify-audit-chain.ts';
import { createPrivacyKernel, type PrivacyKernel } from '../../src/kernel/gate/create-privacy-kernel.ts';
import type { ProcessingContext } from '../../src/kernel/gate/processing-context.ts';
import { testDialects } from '../support/test-database.ts';
import { useTestApp } from '../support/test-app.ts';

/** Concurrent gate decisions share audit commits (ADR 0031): every decision still has its own entry, in one chain. */
describe.each(testDialects)('gate group commit on %s', (dialect) => {
  const app = useTestApp(dialect);
  let kernel: PrivacyKernel | undefined;
  const k = (): PrivacyKernel => {
    const { t, clock } = app();
    kernel ??= createPrivacyKernel({
      dialect: t.db.dialect,
      clock,
      pseudonymsOf: async (_db, _ws, ids) => new Map(ids.map((id) => [id, `ps-${id.slice(0, 8)}`])),
    });
    return kernel;
  };
  const db = () => app().t.db.kysely;
  const ctx = (purpose: string, requestId: string): ProcessingContext => ({
    workspaceId: app().workspaceId,
    actor: { type: 'user', id: 'u1' },
    purpose,
    role: builtinRoles.sales,
    requestId,
  });
  const entriesOf = (requestIds: readonly string[]) =>
    db().selectFrom('audit_log').selectAll().where('workspace_id', '=', app().workspaceId).where('request_id', 'in', requestIds).orderBy('seq').execute();

  it('records every one of 30 concurrent reads, allowed or refused, each committed before its check answers', async () => {
    const people = Array.from({ length: 30 }, () => randomUUID());
    const requestIds: string[] = people.map(() => randomUUID());
    const seen: number[] = [];
    const outcomes = await Promise.all(
      people.map(async (personId, i) => {
        // Every third asks under a purpose that does not exist: refused, and still recorded.
        const purpose = i % 3 === 0 ? 'no_such_purpose' : 'crm';
        const result = await k()
          .gate.check(db(), ctx(purpose, requestIds[i] as string), { personIds: [personId], operation: 'read', attributes: { entity: 'person', names: ['email'] } })
          .then(
            () => 'allowed',
            (e: { code?: string }) => e.code ?? 'error',
          );
        // The entry is there (committed) as soon as the check answers.
        const mine = await entriesOf([requestIds[i] as string]);
        seen.push(mine.length);
        return result;
      }),
    );
    expect(seen.every((n) => n === 1)).toBe(true);
    expect(outcomes.filter((o) => o === 'allowed')).toHaveLength(20);
    expect(outcomes.filter((o) => o === 'PURPOSE_UNKNOWN')).toHaveLength(10);
    const entries = await entriesOf(requestIds);
    expect(entries).toHaveLength(30);
    for (const entry of entries) {
      const i = requestIds.indexOf(entry.request_id as string);
      expect(entry.subject_pseudonym).toBe(`ps-${(people[i] as string).slice(0, 8)}`);
      expect(entry.purpose).toBe(i % 3 === 0 ? 'no_such_purpose' : 'crm');
      expect(entry.outcome).toBe(i % 3 === 0 ? 'denied' : 'allowed');
      expect(entry.details).not.toContain(people[i]);
    }
    const result = await verifyAuditChain(app().t.db);
    expect(result.ok).toBe(true);
  });

  it('groups concurrent writes: a failing one is rolled back alone, a refused one keeps its entry, the others commit', async () => {
    const requestIds: string[] = Array.from({ length: 12 }, () => randomUUID());
    const tag = `group-${randomUUID().slice(0, 8)}`;
    const results = await Promise.allSettled(
      requestIds.map((requestId, i) =>
        k().gate.run(
          db(),
          ctx(i === 5 ? 'no_such_purpose' : 'crm', requestId),
          { personIds: [], operation: 'write', attributes: { entity: 'person', names: ['firstName'] } },
          async (trx) => {
            await trx.insertInto('settings').values({ workspace_id: app().workspaceId, key: `${tag}.${i}`, value: '1', updated_at: new Date().toISOString() }).execute();
            if (i === 7) throw new Error('work failed');
            return i;
          },
        ),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(requestIds.map((_, i) => (i === 5 || i === 7 ? 'rejected' : 'fulfilled')));
    expect((results[5] as PromiseRejectedResult).reason).toMatchObject({ code: 'PURPOSE_UNKNOWN' });
    expect(String((results[7] as PromiseRejectedResult).reason)).toContain('work failed');
    const written = await db().selectFrom('settings').select('key').where('workspace_id', '=', app().workspaceId).where('key', 'like', `${tag}.%`).execute();
    expect(written.map((r) => r.key).sort()).toEqual(requestIds.map((_, i) => `${tag}.${i}`).filter((_, i) => i !== 5 && i !== 7).sort());
    const entries = await entriesOf(requestIds);
    // The failed write's entry went with its changes; the refusal's entry stayed.
    expect(entries.map((e) => e.request_id).sort()).toEqual(requestIds.filter((_, i) => i !== 7).sort());
    expect(entries.find((e) => e.request_id === requestIds[5])?.outcome).toBe('denied');
    expect((await verifyAuditChain(app().t.db)).ok).toBe(true);
  });

  it('appends a batch across two workspaces as one chain each', async () => {
    const other = randomUUID();
    await db().insertInto('workspaces').values({ id: other, name: 'Other', regime: 'gdpr', created_at: new Date().toISOString() }).execute();
    const actor = { type: 'system' as const, id: 'test' };
    const entry = (workspaceId: string, n: number) => ({ workspaceId, actor, action: 'test.batch', outcome: 'allowed' as const, details: { n } });
    const before = await db().selectFrom('audit_heads').select('seq').where('workspace_id', '=', app().workspaceId).executeTakeFirstOrThrow();
    const appended = await db()
      .transaction()
      .execute((trx) => appendAuditBatch(trx, { dialect: app().t.db.dialect, clock: app().clock }, [entry(app().workspaceId, 1), entry(other, 1), entry(app().workspaceId, 2), entry(other, 2)]));
    expect(appended.map((a) => a.seq)).toEqual([Number(before.seq) + 1, 1, Number(before.seq) + 2, 2]);
    expect((await verifyAuditChain(app().t.db)).ok).toBe(true);
  });
});
