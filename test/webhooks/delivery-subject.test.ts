import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/db/database.ts';
import { up as up0180 } from '../../src/db/migrations/0180_webhook_delivery_subject.ts';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';
import { createTestDatabase, testDialects } from '../support/test-database.ts';

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../src/db/migrations');

/** Runs every migration before `name`, in order, as the migrator would. */
async function migrateBefore(db: Kysely<any>, dialect: DialectName, name: string): Promise<void> {
  const files = fs
    .readdirSync(migrationsDir)
    .filter((f) => /^\d{4}_[\w-]+\.ts$/.test(f) && f < name)
    .sort();
  for (const file of files) {
    const mod = (await import(pathToFileURL(path.join(migrationsDir, file)).href)) as {
      up(db: Kysely<any>, dialect: DialectName): Promise<void>;
    };
    await mod.up(db, dialect);
  }
}

describe.each(testDialects)('webhook delivery subject on %s', (dialect) => {
  it('migration 0180 backfills the pseudonym from the payloads already queued, and indexes it', async () => {
    const t = await createTestDatabase(dialect, { migrate: false });
    try {
      const db = t.db.kysely as Kysely<any>;
      await migrateBefore(db, dialect, '0180');
      const at = '2026-03-02T10:00:00.000Z';
      await db
        .insertInto('workspaces')
        .values({ id: 'ws-1', name: 'one', regime: 'gdpr', created_at: at })
        .execute();
      await db
        .insertInto('webhook_endpoints')
        .values({
          id: 'ep-1',
          workspace_id: 'ws-1',
          url: 'https://hooks.example.test/x',
          description: '',
          event_types: '["*"]',
          secret: Buffer.from('sealed'),
          active: 1,
          version: 1,
          created_at: at,
          updated_at: at,
        })
        .execute();
      const delivery = (id: string, type: string, data: Record<string, unknown>) => ({
        id,
        workspace_id: 'ws-1',
        endpoint_id: 'ep-1',
        event_type: type,
        payload: JSON.stringify({ type, timestamp: at, data: { workspaceId: 'ws-1', ...data } }),
        status: 'delivered',
        attempts: 1,
        next_attempt_at: at,
        created_at: at,
      });
      await db
        .insertInto('webhook_deliveries')
        .values([
          delivery('d-person', 'person.restricted', {
            subjectPseudonym: 'p_abc_1',
            reason: 'accuracy_contested',
          }),
          delivery('d-none', 'retention.sweep_completed', { subjectPseudonym: null, erased: 3 }),
          delivery('d-ping', 'webhook.ping', { subjectPseudonym: null, endpointId: 'ep-1' }),
        ])
        .execute();

      await up0180(db, dialect);

      const rows = await db
        .selectFrom('webhook_deliveries')
        .select(['id', 'subject_pseudonym'])
        .orderBy('id')
        .execute();
      expect(rows).toEqual([
        { id: 'd-none', subject_pseudonym: null },
        { id: 'd-person', subject_pseudonym: 'p_abc_1' },
        { id: 'd-ping', subject_pseudonym: null },
      ]);

      // The lookup by pseudonym is answered from the new index, not a scan of the payloads.
      const lookup = sql`select id from webhook_deliveries where workspace_id = ${'ws-1'} and subject_pseudonym = ${'p_abc_1'} order by created_at`;
      let plan: string;
      if (dialect === 'sqlite') {
        plan = (await sql<{ detail: string }>`explain query plan ${lookup}`.execute(db)).rows
          .map((r) => r.detail)
          .join('\n');
      } else {
        // A three-row table is cheaper to scan; forbidding the scan shows the index can serve the lookup.
        plan = await db.transaction().execute(async (trx) => {
          await sql`set local enable_seqscan = off`.execute(trx);
          return (await sql<{ 'QUERY PLAN': string }>`explain ${lookup}`.execute(trx)).rows
            .map((r) => r['QUERY PLAN'])
            .join('\n');
        });
      }
      expect(plan).toContain('webhook_deliveries_subject');
    } finally {
      await t.destroy();
    }
  });

  describe('on enqueue and in the access export', () => {
    const ctx = usePeopleTestApp(dialect);
    const owner = () => ctx().as.owner;
    const db = () => ctx().t.db.kysely;
    const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
      ctx().app.inject({ method, url, headers: owner(), ...(payload ? { payload } : {}) });

    async function newPerson(): Promise<{ id: string; pseudonym: string }> {
      const res = await api('POST', '/api/v1/people', {
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: `ada.${randomUUID().slice(0, 8)}@example.test`,
      });
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json<{ id: string }>().id;
      const row = await db()
        .selectFrom('persons')
        .select('pseudonym')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return { id, pseudonym: row.pseudonym };
    }

    it('writes the pseudonym of the event on each delivery, and the export lists that person’s deliveries only', async () => {
      const created = await api('POST', '/api/v1/webhooks', {
        url: 'http://127.0.0.1:9/hooks',
        eventTypes: ['*'],
        description: 'CRM sync',
      });
      expect(created.statusCode, created.body).toBe(201);
      const endpointId = created.json<{ endpoint: { id: string } }>().endpoint.id;
      const ada = await newPerson();
      const bob = await newPerson();
      // Ada gives consent (consent.changed names her); Bob is restricted (person.restricted names him).
      const services = ctx().services;
      const actorCtx = { workspaceId: ctx().workspaceId, actor: { type: 'system' as const, id: null } };
      await services.purposes.setActive(db(), actorCtx, 'email_marketing', true);
      await services.consent.record(db(), actorCtx, {
        personId: ada.id,
        purpose: 'email_marketing',
        state: 'given',
        method: 'staff_recorded',
        evidence: { channel: 'phone', reference: 'call-42' },
      });
      const restricted = await api('PUT', `/api/v1/people/${bob.id}/restriction`, {
        reason: 'accuracy_contested',
      });
      expect(restricted.statusCode, restricted.body).toBe(201);
      expect((await api('POST', `/api/v1/webhooks/${endpointId}/ping`)).statusCode).toBeLessThan(300);

      const rows = await db()
        .selectFrom('webhook_deliveries')
        .select(['event_type', 'subject_pseudonym', 'payload'])
        .execute();
      for (const r of rows) {
        const data = (JSON.parse(r.payload) as { data: { subjectPseudonym?: string | null } }).data;
        expect(r.subject_pseudonym, r.event_type).toBe(data.subjectPseudonym ?? null);
      }
      const adas = rows.filter((r) => r.subject_pseudonym === ada.pseudonym);
      expect(adas.map((r) => r.event_type)).toContain('consent.changed');
      expect(rows.map((r) => r.subject_pseudonym)).toContain(bob.pseudonym);
      expect(rows.find((r) => r.event_type === 'webhook.ping')?.subject_pseudonym).toBeNull();

      const res = await api('GET', `/api/v1/people/${ada.id}/access-export?kind=access&format=json`);
      expect(res.statusCode, res.body).toBe(200);
      const disclosures = res.json<{
        sections: { disclosures: { items: { event: string; recipient: string }[] } };
      }>().sections.disclosures.items;
      expect(disclosures).toHaveLength(adas.length);
      expect(disclosures).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ event: 'consent.changed', recipient: 'CRM sync' }),
        ]),
      );
      expect(disclosures.map((d) => d.event)).not.toContain('webhook.ping');
      expect(disclosures.map((d) => d.event)).not.toContain('person.restricted');
    });
  });
});
