import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';

/**
 * Tables with a person column that no access section reads, each with the reason. A new table holding personal data
 * must get a section (src/rights/access) or a line here saying why the person need not see it.
 */
const exclusions: Readonly<Record<string, string>> = {
  // The person's wrapped data key: cryptographic material, not data about the person (and useless without the KEK).
  person_keys: 'wrapped data key',
  // Keyed hashes of values the export already holds in clear (email, phone, name terms).
  person_blind_indexes: 'hashes of exported values',
  // Opaque ids of unsubscribe and preference links; the purposes they cover are in the consent records.
  consent_recipient_tokens: 'link tokens',
};

/** Columns that name a person: `person_id`, or a role of one (`key_person_id`). */
const personColumn = /(^|_)person_id$/;

async function tablesWithPersonColumn(
  db: ReturnType<ReturnType<typeof usePeopleTestApp>>['t']['db'],
): Promise<string[]> {
  const found = new Set<string>();
  if (db.dialect === 'sqlite') {
    const tables = await sql<{
      name: string;
    }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db.kysely);
    for (const t of tables.rows) {
      const columns = await sql<{ name: string }>`select name from pragma_table_info(${t.name})`.execute(
        db.kysely,
      );
      if (columns.rows.some((c) => personColumn.test(c.name))) found.add(t.name);
    }
  } else {
    const columns = await sql<{ table_name: string; column_name: string }>`
      select c.table_name, c.column_name from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'`.execute(db.kysely);
    for (const c of columns.rows) if (personColumn.test(c.column_name)) found.add(c.table_name);
  }
  return [...found].sort();
}

describe.each(testDialects)('access export table coverage on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);

  it('covers every table with a person column by a section or a commented exclusion', async () => {
    const tables = await tablesWithPersonColumn(ctx().t.db);
    // The catalogue query must see the kernel's own tables, or the check below proves nothing.
    expect(tables).toEqual(
      expect.arrayContaining(['person_contact_points', 'consent_events', 'deal_people', 'activities']),
    );
    const covered = ctx().services.accessSections.coveredTables();
    const forgotten = tables.filter((t) => !covered.has(t) && !(t in exclusions));
    expect(forgotten, 'tables holding personal data that no access section reads').toEqual([]);
  });

  it('lists no exclusion that a section covers or that no longer exists', async () => {
    const tables = new Set(await tablesWithPersonColumn(ctx().t.db));
    const covered = ctx().services.accessSections.coveredTables();
    for (const t of Object.keys(exclusions)) {
      expect(tables.has(t), `${t} still exists`).toBe(true);
      expect(covered.has(t), `${t} is excluded but covered`).toBe(false);
    }
  });
});
