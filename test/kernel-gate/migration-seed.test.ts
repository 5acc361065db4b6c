import { describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { up as upCore } from '../../src/db/migrations/0001_core.ts';
import { up as upKernel } from '../../src/db/migrations/0011_catalogue_purposes.ts';
import type { Database } from '../../src/db/schema.ts';
import { createTestDatabase, testDialects } from '../support/test-database.ts';

describe.each(testDialects)('migration 0011 on %s', (dialect) => {
  it('seeds the default purposes and built-in attributes into workspaces that existed before it', async () => {
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
      for (const id of ['ws-a', 'ws-b']) {
        const purposes = await db
          .selectFrom('purposes')
          .select(['key', 'active'])
          .where('workspace_id', '=', id)
          .orderBy('key')
          .execute();
        expect(purposes.map((p) => `${p.key}:${p.active}`)).toEqual([
          'accounting:1',
          'crm:1',
          'email_marketing:0',
          'sales:1',
          'support:1',
        ]);
        const attributes = await db
          .selectFrom('catalogue_attributes')
          .select('attribute')
          .where('workspace_id', '=', id)
          .execute();
        // The four of 0011, and the four contact attributes 0020_person_contacts adds to existing workspaces.
        expect(attributes.map((a) => a.attribute).sort()).toEqual(['address', 'email', 'firstName', 'jobTitle', 'lastName', 'notes', 'phone', 'sourceDetail']);
      }
    } finally {
      await t.destroy();
    }
  });
});
