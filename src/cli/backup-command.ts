import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../errors.ts';
import { openCliContext } from './cli-context.ts';

/**
 * libpq environment for a `postgres://` URL, so that `pg_dump`/`pg_restore` never get the password on their
 * command line (where `ps` would show it).
 */
export function postgresToolEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PGHOST: u.hostname.replace(/^\[|\]$/g, ''),
    PGPORT: u.port || '5432',
    PGDATABASE: decodeURIComponent(u.pathname.replace(/^\//, '')),
  };
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  return env;
}

/** Runs a PostgreSQL client tool; rejects with its exit code (stderr is passed through to the operator). */
export function runPostgresTool(tool: string, args: string[], url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env: postgresToolEnv(url), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', () => reject(new AppError('INTERNAL', { detail: `${tool} could not be started: is it installed?` })));
    child.on('exit', (code) => {
      if (code === 0) return resolve();
      process.stderr.write(stderr);
      reject(new AppError('INTERNAL', { detail: `${tool} exited with code ${code}` }));
    });
  });
}

/**
 * `custodian backup FILE`: a consistent snapshot taken while the server runs — SQLite's online backup API, or
 * `pg_dump -Fc` on PostgreSQL. The keys folder is not in it: keep it apart (that is what makes destroyed data keys
 * stay destroyed in old backups).
 */
export function registerBackupCommand(program: Command): void {
  program
    .command('backup')
    .description('write a consistent snapshot of the database to FILE (the server may keep running)')
    .argument('<file>', 'where to write the backup (must not exist)')
    .action(async (file: string) => {
      const target = path.resolve(file);
      if (fs.existsSync(target)) throw new AppError('ALREADY_EXISTS', { detail: `${file} already exists` });
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const partial = `${target}.partial`;
      const ctx = await openCliContext();
      try {
        if (ctx.db.dialect === 'sqlite') {
          await ctx.db.sqlite!.backup(partial);
        } else {
          await runPostgresTool('pg_dump', ['-Fc', '--no-owner', '-f', partial], ctx.db.postgresUrl!);
        }
        fs.chmodSync(partial, 0o600);
        fs.renameSync(partial, target);
      } catch (error) {
        fs.rmSync(partial, { force: true });
        throw error;
      } finally {
        await ctx.close();
      }
      const size = fs.statSync(target).size;
      console.log(`Backup written to ${target} (${size} bytes, ${process.env.CUSTODIAN_DATABASE_URL ? 'pg_dump custom format' : 'SQLite'}).`);
      console.log(`Keys are not in the backup: keep ${path.join(ctx.config.dataDir, 'keys')} safe separately.`);
    });
}
