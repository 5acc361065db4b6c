import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import { complianceChecks } from '../../src/monitoring/compliance/compliance-checks.ts';
import { useComplianceTestEnv, type ComplianceTestEnv } from './compliance-test-app.ts';
import { testDialects } from '../support/test-database.ts';
import {
  insertAlert,
  insertIncident,
  insertJobRun,
  insertPersonKey,
  insertRequest,
  longAgo,
  makeGood,
  now,
  raw,
} from './compliance-fixtures.ts';

type Env = ComplianceTestEnv & { db: Kysely<Database>; fixtures: Record<string, string> };
interface Case {
  readonly key: string;
  /** Makes the configuration bad for this check; returns the subject that must be reported and how to put it back. */
  readonly bad: (env: Env) => Promise<{ subject: string; undo: () => Promise<void> }>;
}

/** Sets `column` of the rows matching `where` to `value`; the undo puts each row's old value back. */
async function change(
  db: Kysely<Database>,
  table: string,
  where: Record<string, unknown>,
  column: string,
  value: unknown,
): Promise<() => Promise<void>> {
  const r = raw(db);
  let select = r.selectFrom(table).select(column);
  for (const [k, v] of Object.entries(where)) select = select.where(k, '=', v);
  const before = await select.executeTakeFirstOrThrow();
  let update = r.updateTable(table).set({ [column]: value });
  for (const [k, v] of Object.entries(where)) update = update.where(k, '=', v);
  await update.execute();
  return async () => {
    let back = r.updateTable(table).set({ [column]: before[column] });
    for (const [k, v] of Object.entries(where)) back = back.where(k, '=', v);
    await back.execute();
  };
}

async function both(...undos: (() => Promise<void>)[]) {
  return async () => {
    for (const u of undos.reverse()) await u();
  };
}

const deleteRow = (db: Kysely<Database>, table: string, id: string) => async () =>
  void (await raw(db).deleteFrom(table).where('id', '=', id).execute());

const cases: readonly Case[] = [
  // purposes
  {
    key: 'purpose.no-lawful-basis',
    bad: async ({ db, workspaceId }) => ({
      subject: 'purpose:crm',
      undo: await change(db, 'purposes', { workspace_id: workspaceId, key: 'crm' }, 'lawful_basis', ''),
    }),
  },
  {
    key: 'purpose.li-without-assessment',
    bad: async ({ db, workspaceId }) => ({
      subject: 'purpose:crm',
      undo: await change(
        db,
        'purposes',
        { workspace_id: workspaceId, key: 'crm' },
        'legitimate_interest_assessment',
        null,
      ),
    }),
  },
  {
    key: 'purpose.special-without-art9',
    bad: async ({ db, workspaceId }) => ({
      subject: 'purpose:support',
      undo: await change(
        db,
        'purposes',
        { workspace_id: workspaceId, key: 'support' },
        'optional_categories',
        '["user.contact","user.health"]',
      ),
    }),
  },
  {
    key: 'purpose.no-retention',
    bad: async ({ db, workspaceId }) => ({
      subject: 'purpose:sales',
      undo: await change(db, 'purposes', { workspace_id: workspaceId, key: 'sales' }, 'retention', ''),
    }),
  },
  {
    key: 'purpose.marketing-basis',
    bad: async ({ db, workspaceId }) => ({
      subject: 'purpose:sales',
      undo: await change(db, 'purposes', { workspace_id: workspaceId, key: 'sales' }, 'direct_marketing', 1),
    }),
  },
  {
    key: 'purpose.no-categories',
    bad: async ({ db, workspaceId }) => {
      const w = { workspace_id: workspaceId, key: 'support' };
      return {
        subject: 'purpose:support',
        undo: await both(
          await change(db, 'purposes', w, 'required_categories', '[]'),
          await change(db, 'purposes', w, 'optional_categories', '[]'),
        ),
      };
    },
  },
  // catalogue
  {
    key: 'catalogue.attribute-no-retention',
    bad: async ({ db, workspaceId }) => ({
      subject: 'attribute:person.email',
      undo: await change(
        db,
        'catalogue_attributes',
        { workspace_id: workspaceId, entity: 'person', attribute: 'email' },
        'retention',
        'soon',
      ),
    }),
  },
  {
    key: 'catalogue.retention-over-ten-years',
    bad: async ({ db, workspaceId }) => ({
      subject: 'attribute:person.email',
      undo: await change(
        db,
        'catalogue_attributes',
        { workspace_id: workspaceId, entity: 'person', attribute: 'email' },
        'retention',
        'P11Y',
      ),
    }),
  },
  {
    key: 'catalogue.special-attribute-uncovered',
    bad: async ({ db, workspaceId }) => {
      const w = { workspace_id: workspaceId, entity: 'person', attribute: 'notes' };
      return {
        subject: 'attribute:person.notes',
        undo: await both(
          await change(db, 'catalogue_attributes', w, 'special', 1),
          await change(db, 'catalogue_attributes', w, 'category', 'user.health'),
        ),
      };
    },
  },
  // consent
  {
    key: 'consent.expired-still-valid',
    bad: async ({ db, workspaceId }) => {
      const id = randomUUID();
      await db
        .insertInto('consent_records')
        .values({
          id,
          workspace_id: workspaceId,
          person_id: randomUUID(),
          purpose_key: 'email_marketing',
          state: 'given',
          method: 'api',
          notice_version_id: null,
          jurisdiction: 'EU',
          first_at: longAgo,
          updated_at: longAgo,
          expires_at: '2026-01-01T00:00:00.000Z',
          renewal_reminded_at: null,
        })
        .execute();
      return { subject: 'purpose:email_marketing', undo: deleteRow(db, 'consent_records', id) };
    },
  },
  {
    key: 'consent.notice-not-published',
    bad: async ({ db, workspaceId }) => ({
      subject: 'purpose:email_marketing',
      undo: await change(db, 'purposes', { workspace_id: workspaceId, key: 'email_marketing' }, 'active', 1),
    }),
  },
  {
    key: 'consent.special-not-explicit',
    bad: async ({ db, workspaceId }) => {
      const restore = await change(
        db,
        'purposes',
        { workspace_id: workspaceId, key: 'email_marketing' },
        'art9_condition',
        'explicit_consent',
      );
      const eventId = randomUUID();
      await db
        .insertInto('consent_events')
        .values({
          workspace_id: workspaceId,
          person_id: randomUUID(),
          purpose_key: 'email_marketing',
          purpose_version: 1,
          state: 'given',
          method: 'api',
          notice_version: null,
          recorded_at: now,
          actor_type: 'system',
          actor_id: null,
          event_id: eventId,
          record_id: null,
          jurisdiction: 'EU',
          language: 'en',
          explicit: 0,
          expires_at: null,
          evidence: null,
          form_id: null,
        })
        .execute();
      return {
        subject: 'purpose:email_marketing',
        undo: await both(
          restore,
          async () => void (await db.deleteFrom('consent_events').where('event_id', '=', eventId).execute()),
        ),
      };
    },
  },
  {
    key: 'consent.expiry-job-stale',
    bad: async ({ db }) => ({
      subject: 'job:consent.expiry',
      undo: await change(db, 'job_runs', { name: 'consent.expiry' }, 'finished_at', longAgo),
    }),
  },
  // governance
  {
    key: 'processor.no-agreement',
    bad: async ({ db, fixtures }) => ({
      subject: `processor:${fixtures.processor}`,
      undo: await change(
        db,
        'governance_processors',
        { id: fixtures.processor },
        'record',
        '{"countries":["US"],"agreement":null}',
      ),
    }),
  },
  {
    key: 'processor.agreement-expired',
    bad: async ({ db, fixtures }) => ({
      subject: `processor:${fixtures.processor}`,
      undo: await change(
        db,
        'governance_processors',
        { id: fixtures.processor },
        'agreement_expires_on',
        '2026-01-31',
      ),
    }),
  },
  {
    key: 'processor.incomplete',
    bad: async ({ db, fixtures }) => ({
      subject: `processor:${fixtures.processor}`,
      undo: await change(db, 'governance_processors', { id: fixtures.processor }, 'complete', 0),
    }),
  },
  {
    key: 'processor.review-overdue',
    bad: async ({ db, fixtures }) => ({
      subject: `processor:${fixtures.processor}`,
      undo: await change(db, 'governance_processors', { id: fixtures.processor }, 'review_on', '2026-02-01'),
    }),
  },
  {
    key: 'transfer.missing-tool',
    bad: async ({ db, fixtures }) => ({
      subject: `processor:${fixtures.processor}:US`,
      undo: await change(db, 'governance_transfers', { id: fixtures.transfer }, 'country', 'CA'),
    }),
  },
  {
    key: 'transfer.tool-unfit',
    bad: async ({ db, fixtures }) => ({
      subject: `transfer:${fixtures.transfer}`,
      undo: await change(db, 'governance_transfers', { id: fixtures.transfer }, 'tool', 'adequacy'),
    }),
  },
  {
    key: 'transfer.no-tia',
    bad: async ({ db, fixtures }) => ({
      subject: `transfer:${fixtures.transfer}`,
      undo: await change(
        db,
        'governance_transfers',
        { id: fixtures.transfer },
        'record',
        '{"sccModule":"module_2"}',
      ),
    }),
  },
  {
    key: 'transfer.expired',
    bad: async ({ db, fixtures }) => ({
      subject: `transfer:${fixtures.transfer}`,
      undo: await change(db, 'governance_transfers', { id: fixtures.transfer }, 'expires_on', '2026-01-01'),
    }),
  },
  {
    key: 'dpia.review-due',
    bad: async ({ db, fixtures }) => ({
      subject: `dpia:${fixtures.signedDpia}`,
      undo: await change(db, 'governance_dpias', { id: fixtures.signedDpia }, 'review_on', '2026-02-01'),
    }),
  },
  {
    key: 'dpia.draft-stale',
    bad: async ({ db, fixtures }) => ({
      subject: `dpia:${fixtures.draftDpia}`,
      undo: await change(db, 'governance_dpias', { id: fixtures.draftDpia }, 'updated_at', longAgo),
    }),
  },
  {
    key: 'dpia.special-purpose-without-dpia',
    bad: async ({ db, workspaceId }) => ({
      subject: 'purpose:support',
      undo: await change(
        db,
        'purposes',
        { workspace_id: workspaceId, key: 'support' },
        'art9_condition',
        'health_social_care',
      ),
    }),
  },
  {
    key: 'organisation.no-dpo',
    bad: async ({ db, workspaceId }) => {
      await db
        .insertInto('governance_organisation_versions')
        .values({
          workspace_id: workspaceId,
          version: 1001,
          data: '{"controller":{"name":"Example Ltd","address":"1 Main Street","email":"privacy@company.test","phone":""},"representative":null,"dpo":null}',
          changed_at: now,
          actor_type: 'system',
          actor_id: null,
        })
        .execute();
      return {
        subject: 'workspace',
        undo: async () =>
          void (await db
            .deleteFrom('governance_organisation_versions')
            .where('workspace_id', '=', workspaceId)
            .where('version', '=', 1001)
            .execute()),
      };
    },
  },
  // identity
  {
    key: 'identity.mfa-missing',
    bad: async ({ db, workspaceId, fixtures }) => {
      const role = await db
        .selectFrom('roles')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('key', '=', 'sales')
        .executeTakeFirstOrThrow();
      return {
        subject: `user:${fixtures.salesUser}`,
        undo: await both(
          await change(db, 'roles', { id: role.id }, 'require_mfa', 1),
          await change(db, 'users', { id: fixtures.salesUser }, 'mfa_enabled', 0),
        ),
      };
    },
  },
  {
    key: 'identity.privileged-without-mfa',
    bad: async ({ db, fixtures }) => ({
      subject: `user:${fixtures.ownerUser}`,
      undo: await change(db, 'users', { id: fixtures.ownerUser }, 'mfa_enabled', 0),
    }),
  },
  {
    key: 'identity.broad-special-access',
    bad: async ({ db, workspaceId }) => ({
      subject: 'role:marketing',
      undo: await change(
        db,
        'roles',
        { workspace_id: workspaceId, key: 'marketing' },
        'data_categories',
        '["user.name","user.health.genetic"]',
      ),
    }),
  },
  {
    key: 'identity.stale-api-token',
    bad: async ({ db, fixtures }) => {
      const t = fixtures.salesToken;
      return {
        subject: `token:${t}`,
        undo: await both(
          await change(db, 'api_tokens', { id: t }, 'created_at', longAgo),
          await change(db, 'api_tokens', { id: t }, 'last_used_at', longAgo),
        ),
      };
    },
  },
  {
    key: 'identity.token-without-expiry',
    bad: async ({ db, fixtures }) => ({
      subject: `token:${fixtures.salesToken}`,
      undo: await change(db, 'api_tokens', { id: fixtures.salesToken }, 'expires_at', null),
    }),
  },
  {
    key: 'identity.disabled-user-token',
    bad: async ({ db, fixtures }) => ({
      subject: `token:${fixtures.salesToken}`,
      undo: await change(db, 'users', { id: fixtures.salesUser }, 'disabled', 1),
    }),
  },
  {
    key: 'identity.dormant-user',
    bad: async ({ db, fixtures }) => ({
      subject: `user:${fixtures.salesUser}`,
      undo: await change(db, 'users', { id: fixtures.salesUser }, 'created_at', longAgo),
    }),
  },
  {
    key: 'identity.too-many-owners',
    bad: async ({ db, workspaceId }) => {
      const owner = await db
        .selectFrom('roles')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('key', '=', 'owner')
        .executeTakeFirstOrThrow();
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      for (const id of ids) {
        await db
          .insertInto('users')
          .values({
            id,
            workspace_id: workspaceId,
            email: `o-${id.slice(0, 8)}@example.test`,
            name: 'Owner',
            password_hash: null,
            role_id: owner.id,
            disabled: 0,
            mfa_secret: null,
            mfa_enabled: 1,
            mfa_last_step: null,
            password_changed_at: null,
            last_sign_in_at: now,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
      return {
        subject: 'role:owner',
        undo: async () => void (await db.deleteFrom('users').where('id', 'in', ids).execute()),
      };
    },
  },
  // security
  {
    key: 'audit.chain-broken',
    bad: async ({ db, workspaceId }) => ({
      subject: 'audit-chain',
      undo: await change(
        db,
        'audit_log',
        { workspace_id: workspaceId, seq: 1 },
        'details',
        '{"tampered":true}',
      ),
    }),
  },
  {
    key: 'audit.checkpoint-stale',
    bad: async ({ db }) => ({
      subject: 'job:audit.checkpoint',
      undo: await change(db, 'job_runs', { name: 'audit.checkpoint' }, 'finished_at', longAgo),
    }),
  },
  {
    key: 'keys.rotation-pending',
    bad: async ({ db, workspaceId, fixtures }) => {
      const id = await insertPersonKey(db, workspaceId, {
        kekVersion: Number(fixtures.kekVersion) + 7,
        createdAt: now,
      });
      return { subject: 'kek', undo: deleteRow(db, 'person_keys', id) };
    },
  },
  {
    key: 'keys.data-key-age',
    bad: async ({ db, workspaceId, fixtures }) => {
      const id = await insertPersonKey(db, workspaceId, {
        kekVersion: Number(fixtures.kekVersion),
        createdAt: '2022-01-01T00:00:00.000Z',
      });
      return { subject: 'data-keys', undo: deleteRow(db, 'person_keys', id) };
    },
  },
  {
    key: 'keys.person-without-key',
    bad: async ({ db, workspaceId }) => {
      const id = randomUUID();
      await db
        .insertInto('persons')
        .values({
          id,
          workspace_id: workspaceId,
          pseudonym: `p_${id.slice(0, 12)}`,
          created_at: now,
          updated_at: now,
        } as never)
        .execute();
      return { subject: 'people', undo: deleteRow(db, 'persons', id) };
    },
  },
  {
    key: 'jobs.failed-recently',
    bad: async ({ db }) => {
      await insertJobRun(db, 'governance.reminders', 'failed', now);
      return {
        subject: 'job:governance.reminders',
        undo: async () => void (await db.deleteFrom('job_runs').where('outcome', '=', 'failed').execute()),
      };
    },
  },
  // training
  {
    key: 'training.overdue',
    bad: async ({ db, workspaceId, fixtures }) => {
      const id = randomUUID();
      await db
        .insertInto('training_assignments')
        .values({
          id,
          workspace_id: workspaceId,
          module_id: fixtures.module ?? '',
          user_id: fixtures.salesUser ?? '',
          rule_id: null,
          assigned_at: longAgo,
          due_at: '2026-02-01T00:00:00.000Z',
          completed_at: null,
          best_score: null,
          refreshed_at: null,
          prior_completed_at: null,
        })
        .execute();
      return { subject: `module:${fixtures.module}`, undo: deleteRow(db, 'training_assignments', id) };
    },
  },
  {
    key: 'training.no-rules',
    bad: async ({ db, fixtures }) => ({
      subject: 'workspace',
      undo: await change(db, 'training_rules', { id: fixtures.rule }, 'workspace_id', 'elsewhere'),
    }),
  },
  // retention
  {
    key: 'retention.no-active-policy',
    bad: async ({ db, fixtures }) => ({
      subject: 'workspace',
      undo: await change(db, 'retention_policies', { id: fixtures.policy }, 'active', 0),
    }),
  },
  {
    key: 'retention.purpose-without-policy',
    bad: async ({ db, fixtures }) => ({
      subject: 'purpose:sales',
      undo: await change(db, 'retention_policies', { id: fixtures.policy }, 'purpose_key', 'crm'),
    }),
  },
  {
    key: 'retention.sweep-not-run',
    bad: async ({ db, fixtures }) => ({
      subject: 'workspace',
      undo: await change(db, 'retention_sweeps', { id: fixtures.sweep }, 'started_at', longAgo),
    }),
  },
  {
    key: 'retention.sweep-failed',
    bad: async ({ db, fixtures }) => ({
      subject: `sweep:${fixtures.sweep}`,
      undo: await change(db, 'retention_sweeps', { id: fixtures.sweep }, 'failed', 2),
    }),
  },
  // requests, incidents, alerts
  {
    key: 'requests.overdue',
    bad: async ({ db, workspaceId }) => {
      const id = await insertRequest(db, workspaceId, {
        status: 'in_progress',
        receivedAt: '2026-01-15T00:00:00.000Z',
        dueAt: '2026-02-15T00:00:00.000Z',
      });
      return { subject: `request:${id}`, undo: deleteRow(db, 'requests', id) };
    },
  },
  {
    key: 'requests.due-soon',
    bad: async ({ db, workspaceId }) => {
      const id = await insertRequest(db, workspaceId, {
        status: 'verified',
        receivedAt: '2026-02-04T00:00:00.000Z',
        dueAt: '2026-03-04T00:00:00.000Z',
      });
      return { subject: `request:${id}`, undo: deleteRow(db, 'requests', id) };
    },
  },
  {
    key: 'requests.identity-stalled',
    bad: async ({ db, workspaceId }) => {
      const id = await insertRequest(db, workspaceId, {
        status: 'identity_unverified',
        receivedAt: '2026-02-01T00:00:00.000Z',
        dueAt: '2026-03-31T00:00:00.000Z',
      });
      return { subject: `request:${id}`, undo: deleteRow(db, 'requests', id) };
    },
  },
  {
    key: 'incidents.unnotified-past-72h',
    bad: async ({ db, workspaceId }) => {
      const id = await insertIncident(db, workspaceId, {
        awareAt: '2026-02-26T09:00:00.000Z',
        createdAt: '2026-02-26T09:00:00.000Z',
      });
      return { subject: `incident:${id}`, undo: deleteRow(db, 'incidents', id) };
    },
  },
  {
    key: 'incidents.open-stale',
    bad: async ({ db, workspaceId }) => {
      const id = await insertIncident(db, workspaceId, {
        awareAt: '2026-01-10T09:00:00.000Z',
        createdAt: '2026-01-10T09:00:00.000Z',
        record: { authorityNotifiedAt: '2026-01-11T09:00:00.000Z' },
      });
      return { subject: `incident:${id}`, undo: deleteRow(db, 'incidents', id) };
    },
  },
  {
    key: 'alerts.high-unacknowledged',
    bad: async ({ db, workspaceId }) => {
      const id = await insertAlert(db, workspaceId, {
        severity: 'high',
        raisedAt: '2026-02-28T22:00:00.000Z',
      });
      return { subject: `alert:${id}`, undo: deleteRow(db, 'alerts', id) };
    },
  },
];

describe.each(testDialects)('compliance checks on %s', (dialect) => {
  const ctx = useComplianceTestEnv(dialect);
  let env: Env;

  beforeAll(async () => {
    const c = ctx();
    env = { ...c, db: c.t.db.kysely, fixtures: await makeGood(c) };
  });

  it('registers at least 30 checks, each with a case below, a fix link and a distinct key', () => {
    expect(complianceChecks.length).toBeGreaterThanOrEqual(30);
    expect(new Set(complianceChecks.map((c) => c.key)).size).toBe(complianceChecks.length);
    expect([...cases.map((c) => c.key)].sort()).toEqual(complianceChecks.map((c) => c.key).sort());
    for (const c of complianceChecks) expect(c.fixLink).toMatch(/^\//);
  });

  it('finds nothing on the good configuration', async () => {
    const report = await env.services.compliance.run(
      { workspaceId: env.workspaceId, actor: { type: 'system', id: 'test' } },
      'cli',
    );
    expect(report.items).toEqual([]);
    expect(report.score).toBe(100);
    expect(report.skipped).toEqual([]);
  });

  for (const c of cases) {
    it(`${c.key}: fires on a crafted bad configuration, quiet once it is put right`, async () => {
      const { compliance } = env.services;
      expect(await compliance.runCheck(env.workspaceId, c.key)).toEqual([]);
      const { subject, undo } = await c.bad(env);
      try {
        const findings = await compliance.runCheck(env.workspaceId, c.key);
        expect(findings.map((f) => f.subject)).toContain(subject);
        // Evidence is ids, counts and dates: never an email address.
        expect(JSON.stringify(findings)).not.toMatch(/@example\.test/);
      } finally {
        await undo();
      }
      expect(await compliance.runCheck(env.workspaceId, c.key)).toEqual([]);
    });
  }
});
