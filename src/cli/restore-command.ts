import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import { afterRestoreSteps } from './after-restore.ts';
import { runPostgresTool } from './backup-command.ts';
import { openCliContext } from './cli-context.ts';

/** Refuses anything but an intact SQLite file holding Custodian's tables. */
function checkSqliteBackup(file: string): void {
  let handle: SqliteDatabase.Database | undefined;
  try {
    handle = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
    const check = handle.pragma('quick_check', { simple: true });
    const hasAudit = handle.prepare("select 1 from sqlite_master where type = 'table' and name = 'audit_log'").get();
    if (check !== 'ok' || !hasAudit) throw new Error('not a Custodian backup');
  } catch {
    throw new AppError('BAD_REQUEST', { detail: 'the file is not an intact Custodian SQLite backup' });
  } finally {
    handle?.close();
  }
}

/** Copies the backup into the live database through SQLite's backup API (locking and WAL handled by SQLite). */
async function restoreSqlite(backupFile: string, liveFile: string): Promise<string | undefined> {
  checkSqliteBackup(backupFile);
  let saved: string | undefined;
  if (fs.existsSync(liveFile)) {
    // Keep what is being replaced, in case the wrong file was named.
    saved = `${liveFile}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    const live = new SqliteDatabase(liveFile, { fileMustExist: true });
    try {
      await live.backup(saved);
    } finally {
      live.close();
    }
    fs.chmodSync(saved, 0o600);
  }
  const source = new SqliteDatabase(backupFile, { readonly: true, fileMustExist: true });
  try {
    await source.backup(liveFile);
  } finally {
    source.close();
  }
  return saved;
}

/**
 * `custodian restore FILE`: replaces the database with a backup (SQLite: through the backup API, after keeping a
 * copy of the current file; PostgreSQL: `pg_restore --clean --if-exists` in one transaction), migrates it, then runs
 * every after-restore step. Stop the server first.
 */
export function registerRestoreCommand(program: Command): void {
  program
    .command('restore')
    .description('replace the database with a backup made by `custodian backup` (stop the server first)')
    .argument('<file>', 'the backup file')
    .action(async (file: string) => {
      const source = path.resolve(file);
      if (!fs.existsSync(source)) throw new AppError('NOT_FOUND', { detail: `${file} does not exist` });
      const config = loadConfig();
      let saved: string | undefined;
      if (config.databaseUrl) {
        await runPostgresTool('pg_restore', ['--list', source], config.databaseUrl).catch(() => {
          throw new AppError('BAD_REQUEST', { detail: 'the file is not a pg_dump custom-format archive' });
        });
        await runPostgresTool(
          'pg_restore',
          ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--exit-on-error', '-d', postgresDatabase(config.databaseUrl), source],
          config.databaseUrl,
        );
      } else {
        saved = await restoreSqlite(source, path.join(config.dataDir, 'custodian.db'));
      }
      const ctx = await openCliContext();
      try {
        for (const step of afterRestoreSteps) await step(ctx);
      } finally {
        await ctx.close();
      }
      console.log(`Restored from ${source}.`);
      if (saved) console.log(`The database it replaced was kept as ${saved}.`);
    });
}

function postgresDatabase(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}
