import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { DialectName } from './database.ts';
import type { Db } from './database.ts';

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

interface MigrationModule {
  up(db: Kysely<any>, dialect: DialectName): Promise<void>;
}

/**
 * Finds `src/db/migrations/NNNN_name.ts` files in name order. Each exports `up(db, dialect)`; migrations only go
 * forward (a release never needs to undo a schema step: restore a backup instead).
 */
function createMigrationProvider(dialect: DialectName): MigrationProvider {
  return {
    async getMigrations() {
      const files = fs
        .readdirSync(migrationsDir)
        .filter((f) => /^\d{4}_[\w-]+\.ts$/.test(f))
        .sort();
      const migrations: Record<string, Migration> = {};
      for (const file of files) {
        const mod = (await import(pathToFileURL(path.join(migrationsDir, file)).href)) as MigrationModule;
        migrations[file.replace(/\.ts$/, '')] = { up: (db) => mod.up(db, dialect) };
      }
      return migrations;
    },
  };
}

/**
 * Brings the schema up to date. Safe to call from several processes: Kysely takes a lock table.
 *
 * @example
 * const applied = await migrateToLatest(db); // ['0001_core', …]
 */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db: db.kysely, provider: createMigrationProvider(db.dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
