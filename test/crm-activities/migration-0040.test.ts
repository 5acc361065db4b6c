import { describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { up as upCore } from '../../src/db/migrations/0001_core.ts';
import { up as upKernel } from '../../src/db/migrations/0011_catalogue_purposes.ts';
import { up as upActivities } from '../../src/db/migrations/0040_activities_tasks.ts';
import type { Database } from '../../src/db/schema.ts';
import { createTestDatabase, testDialects } from '../support/test-database.ts';

describe.each(testDialects)('migration 0040 on %s', (dialect) => {
  it('declares the activity and task content attributes in workspaces that existed before it', async () => {
    const t = await createTestDatabase(dialect, { migrate: false });
    try {
      const db = t.db.kysely as Kysely<Database>;
      await upCore(db, dialect);
      await db.insertInto('workspaces').values({ id: 'ws-old', name: 'old', regime: 'gdpr', created_at: '2026-01-01T00:00:00.000Z' }).execute();
      await upKernel(db, dialect);
      await upActivities(db, dialect);
      const declared = await db
        .selectFrom('catalogue_attributes')
        .select(['entity', 'attribute', 'category', 'searchable'])
        .where('workspace_id', '=', 'ws-old')
        .where('entity', 'in', ['activity', 'task'])
        .orderBy('entity')
        .orderBy('attribute')
        .execute();
      expect(declared).toEqual([
        { entity: 'activity', attribute: 'body', category: 'user.content.private', searchable: 0 },
        { entity: 'activity', attribute: 'subject', category: 'user.content.private', searchable: 0 },
        { entity: 'task', attribute: 'title', category: 'user.content.private', searchable: 0 },
      ]);
    } finally {
      await t.destroy();
    }
  });
});
