import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyPassword } from '../../src/identity/password-hash.ts';
import { hashSecret } from '../../src/identity/secret-hash.ts';
import { runCli } from '../support/run-cli.ts';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/test-database.ts';

// Argon2 hashing dominates: allow for several commands per case.
vi.setConfig({ testTimeout: 60_000 });


interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe.each(testDialects)('custodian user and token commands on %s', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await t.destroy();
  });

  /** Runs the real binary as a child process against this test's database. */
  /** The command line, in process, against this test's database. */
  const run = (...args: string[]): Promise<Run> => runCli(t, args);

  it('creates a user with the given password, hashed with argon2id, audited as the CLI', async () => {
    const res = await run('user', 'create', '--email', 'Ops@Example.test', '--role', 'admin', '--password', 'granite meadow lantern 5150');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^Created user ops@example\.test \([0-9a-f-]{36}\) with role admin\.\n$/);
    expect(res.stdout).not.toContain('granite');
    const user = await t.db.kysely.selectFrom('users').selectAll().where('email', '=', 'ops@example.test').executeTakeFirstOrThrow();
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(user.password_hash!, 'granite meadow lantern 5150')).toBe(true);
    const entry = await t.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'user.create').executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ actor_type: 'system', actor_id: 'cli', resource_id: user.id });
    expect(entry.details).not.toContain('example.test');
  });

  it('generates a password when none is given and prints it once', async () => {
    const res = await run('user', 'create', '--email', 'gen@example.test', '--role', 'support');
    expect(res.code, res.stderr).toBe(0);
    const password = /Password \(shown once\): (\S+)\n$/.exec(res.stdout)?.[1];
    expect(password).toBeDefined();
    expect(password!.length).toBeGreaterThanOrEqual(24);
    const user = await t.db.kysely.selectFrom('users').select('password_hash').where('email', '=', 'gen@example.test').executeTakeFirstOrThrow();
    expect(await verifyPassword(user.password_hash!, password!)).toBe(true);
  });

  it('refuses a weak password, a taken email and an unknown role with their exit codes, creating nothing', async () => {
    const before = await t.db.kysely.selectFrom('users').select('id').execute();
    const weak = await run('user', 'create', '--email', 'weak@example.test', '--role', 'sales', '--password', 'password1234');
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain('PASSWORD_TOO_WEAK');
    expect(weak.stderr).not.toContain('password1234');
    const taken = await run('user', 'create', '--email', 'ops@example.test', '--role', 'sales');
    expect(taken.code).toBe(6);
    const role = await run('user', 'create', '--email', 'new@example.test', '--role', 'emperor');
    expect(role.code).toBe(2);
    expect(await t.db.kysely.selectFrom('users').select('id').execute()).toHaveLength(before.length);
  });

  it('creates a token and prints only the token, stored hashed, bound to the user and role', async () => {
    const res = await run('token', 'create', '--user', 'ops@example.test', '--name', 'ci', '--role', 'auditor', '--expires', '2099-01-01');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^cus_[A-Za-z0-9_-]{43}\n$/);
    const token = res.stdout.trim();
    const row = await t.db.kysely
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .innerJoin('roles', 'roles.id', 'api_tokens.role_id')
      .select(['users.email', 'roles.key', 'api_tokens.expires_at', 'api_tokens.name'])
      .where('api_tokens.token_hash', '=', hashSecret(token))
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ email: 'ops@example.test', key: 'auditor', expires_at: '2099-01-01T00:00:00.000Z', name: 'ci' });
  });

  it('refuses a token role beyond the user’s, an unknown user and a bad expiry, printing nothing on stdout', async () => {
    const before = await t.db.kysely.selectFrom('api_tokens').select('id').execute();
    const beyond = await run('token', 'create', '--user', 'ops@example.test', '--name', 'x', '--role', 'owner');
    expect(beyond.code).toBe(4);
    expect(beyond.stdout).toBe('');
    const unknown = await run('token', 'create', '--user', 'nobody@example.test', '--name', 'x');
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).not.toContain('nobody@');
    const expiry = await run('token', 'create', '--user', 'ops@example.test', '--name', 'x', '--expires', 'soon');
    expect(expiry.code).toBe(2);
    const missing = await run('token', 'create', '--name', 'x');
    expect(missing.code).not.toBe(0);
    expect(await t.db.kysely.selectFrom('api_tokens').select('id').execute()).toHaveLength(before.length);
  });
});
