import { describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { up as upCore } from '../../src/db/migrations/0001_core.ts';
import { up as upKernel } from '../../src/db/migrations/0011_catalogue_purposes.ts';
import { up as upRequestPurpose } from '../../src/db/migrations/0170_data_subject_requests_purpose.ts';
import type { Database } from '../../src/db/schema.ts';
import { createTestDatabase, testDialects } from '../support/test-database.ts';

describe.each(testDialects)('migration 0170 on %s', (dialect) => {
  it('adds the built-in data subject requests purpose to workspaces that existed before it, flagged', async () => {
    const t = await createTestDatabase(dialect, { migrate: false });
    try {
      const db = t.db.kysely as Kysely<Database>;
      await upCore(db, dialect);
      for (const id of ['ws-a', 'ws-b']) {
        await db
          .insertInto('workspaces')
          .values({ id, name: id, regime: 'gdpr', created_at: '2026-01-01T00:00:00.000Z' })
          .execute();
      }
      await upKernel(db, dialect);
      await upRequestPurpose(db);
      for (const id of ['ws-a', 'ws-b']) {
        const purposes = await db
          .selectFrom('purposes')
          .select(['key', 'active', 'answers_requests', 'lawful_basis', 'version'])
          .where('workspace_id', '=', id)
          .orderBy('key')
          .execute();
        expect(purposes.map((p) => `${p.key}:${p.active}:${p.answers_requests}`)).toEqual([
          'accounting:1:0',
          'crm:1:0',
          'data_subject_requests:1:1',
          'email_marketing:0:0',
          'sales:1:0',
          'support:1:0',
        ]);
        const versions = await db
          .selectFrom('purpose_versions')
          .select(['change', 'snapshot'])
          .where('workspace_id', '=', id)
          .where('key', '=', 'data_subject_requests')
          .execute();
        expect(versions).toHaveLength(1);
        expect(JSON.parse(versions[0]!.snapshot)).toMatchObject({ answersRequests: true, lawfulBasis: 'legal_obligation' });
      }
    } finally {
      await t.destroy();
    }
  });
});
