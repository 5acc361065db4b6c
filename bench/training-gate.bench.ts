import { randomUUID } from 'node:crypto';
import type { DialectName } from '../src/db/database.ts';
import { seedStarterModules } from '../src/governance/training/seed-starter-modules.ts';
import { createTrainingGate } from '../src/governance/training/training-gate.ts';
import { seedCatalogue } from '../src/kernel/catalogue/seed-catalogue.ts';
import { systemClock } from '../src/kernel/clock.ts';
import { createPrivacyKernel } from '../src/kernel/gate/create-privacy-kernel.ts';
import type { ProcessingContext } from '../src/kernel/gate/processing-context.ts';
import { seedPurposes } from '../src/kernel/purposes/purpose-register.ts';
import { createWorkspace, seedBuiltinRoles } from '../src/workspaces/create-workspace.ts';
import { createBenchDatabase } from './bench-database.ts';
import { appendResults, formatNumber } from './bench-results.ts';

/**
 * What the training gate adds to the processing gate: `gate.check` of a category-only read (no person, so the figure
 * is the gate's own cost) for a trained user, without the precondition, with it while the setting is off, with it on
 * and the outcome cached, and with it on and nothing cached. Each gate check also writes its audit entry.
 */
const checks = Number(process.env.BENCH_TRAINING_CHECKS ?? 3_000);

async function run(dialect: DialectName): Promise<void> {
  const bench = await createBenchDatabase(dialect);
  try {
    const db = bench.db.kysely;
    const workspaceId = await createWorkspace(
      { db, clock: systemClock, seeders: [seedBuiltinRoles, seedCatalogue, seedPurposes, seedStarterModules] },
      { name: 'bench' },
    );
    const role = await db.selectFrom('roles').select('id').where('workspace_id', '=', workspaceId).where('key', '=', 'sales').executeTakeFirstOrThrow();
    const module = await db.selectFrom('training_modules').select('id').where('workspace_id', '=', workspaceId).where('starter_key', '=', 'breach-reporting').executeTakeFirstOrThrow();
    const now = new Date().toISOString();
    const userId = randomUUID();
    await db.insertInto('users').values({ id: userId, workspace_id: workspaceId, email: 'bench@example.test', name: 'Bench', password_hash: null, role_id: role.id, disabled: 0, mfa_secret: null, mfa_enabled: 0, mfa_last_step: null, password_changed_at: null, last_sign_in_at: null, created_at: now, updated_at: now }).execute();
    const ruleId = randomUUID();
    await db.insertInto('training_rules').values({ id: ruleId, workspace_id: workspaceId, module_id: module.id, role_id: role.id, due_days: 14, created_at: now }).execute();
    await db.insertInto('training_assignments').values({ id: randomUUID(), workspace_id: workspaceId, module_id: module.id, user_id: userId, rule_id: ruleId, assigned_at: now, due_at: now, completed_at: now, best_score: 100, refreshed_at: null, prior_completed_at: null }).execute();

    const ctx: ProcessingContext = { workspaceId, actor: { type: 'user', id: userId }, purpose: 'crm', role: { purposes: ['crm'], dataCategories: ['user.contact'] } };
    const request = { personIds: [], operation: 'read' as const, categories: ['user.contact.email'] };
    const setGate = (on: boolean) =>
      db.updateTable('settings').set({ value: JSON.stringify(on) }).where('workspace_id', '=', workspaceId).where('key', '=', 'training.requiredBeforePersonalData').execute();

    const cached = createTrainingGate({ clock: systemClock });
    const uncached = createTrainingGate({ clock: systemClock, ttlMs: 0 });
    const variants = [
      { label: 'no precondition', gateOn: false, kernel: createPrivacyKernel({ dialect, clock: systemClock }) },
      { label: 'precondition, setting off', gateOn: false, kernel: createPrivacyKernel({ dialect, clock: systemClock, actorPrecondition: cached.precondition }) },
      { label: 'precondition, setting on, outcome cached (5 s)', gateOn: true, kernel: createPrivacyKernel({ dialect, clock: systemClock, actorPrecondition: cached.precondition }) },
      { label: 'precondition, setting on, no cache', gateOn: true, kernel: createPrivacyKernel({ dialect, clock: systemClock, actorPrecondition: uncached.precondition }) },
    ];
    const lines = ['| gate.check (category-only read, audited) | checks/s | mean µs |', '|---|---|---|'];
    for (const v of variants) {
      await setGate(v.gateOn);
      for (let i = 0; i < 200; i++) await v.kernel.gate.check(db, ctx, request);
      const t0 = performance.now();
      for (let i = 0; i < checks; i++) await v.kernel.gate.check(db, ctx, request);
      const ms = performance.now() - t0;
      lines.push(`| ${v.label} | ${formatNumber(Math.round((checks * 1000) / ms))} | ${((ms * 1000) / checks).toFixed(0)} |`);
    }
    appendResults('training gate: cost added to the processing gate', dialect, [...lines, '', `(${formatNumber(checks)} checks per row after 200 warm-up checks, one user, one rule.)`]);
  } finally {
    await bench.destroy();
  }
}

await run('sqlite');
await run('postgres');
