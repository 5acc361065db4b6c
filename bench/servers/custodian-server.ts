import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config.ts';
import type { DialectName } from '../../src/db/database.ts';
import { ensureFirstStart } from '../../src/bootstrap.ts';
import { buildApp } from '../../src/http/app.ts';
import { apiTokenPrefix } from '../../src/identity/authenticate.ts';
import { hashSecret, randomSecret } from '../../src/identity/secret-hash.ts';
import { systemClock } from '../../src/kernel/clock.ts';
import { createAppServices } from '../../src/services.ts';
import { createBenchDatabase } from '../bench-database.ts';

/**
 * The Custodian app on a fresh database, listening on a free port, for the HTTP benchmark (run in its own process so
 * that the load generator does not share its event loop). Prints `{ port, token }` as one JSON line when ready.
 */
const dialect = (process.argv[2] ?? 'sqlite') as DialectName;
const bench = await createBenchDatabase(dialect);
const config = loadConfig({
  CUSTODIAN_MODE: 'production',
  CUSTODIAN_DATA_DIR: bench.dataDir,
  LOG_LEVEL: 'warn',
  CUSTODIAN_ADMIN_EMAIL: 'owner@example.test',
  CUSTODIAN_ADMIN_PASSWORD: 'correct horse battery staple 42',
  ...(bench.postgresUrl ? { CUSTODIAN_DATABASE_URL: bench.postgresUrl } : {}),
});
const { db } = bench;
const first = await ensureFirstStart({ config, db, clock: systemClock });
const services = await createAppServices({ config, db, clock: systemClock });
const app = await buildApp({ config, db, clock: systemClock, ...services });
const owner = await db.kysely.selectFrom('users').select('id').where('workspace_id', '=', first.workspaceId).executeTakeFirstOrThrow();
// A token row inserted directly (the token endpoint is not what is measured).
const token = `${apiTokenPrefix}${randomSecret(32)}`;
const now = new Date().toISOString();
await db.kysely
  .insertInto('api_tokens')
  .values({
    id: randomUUID(), workspace_id: first.workspaceId, user_id: owner.id, role_id: null, name: 'bench',
    token_hash: hashSecret(token), prefix: token.slice(0, 8), default_purpose: null, created_at: now,
    expires_at: null, last_used_at: null, last_used_ip: null, revoked_at: null,
  })
  .execute();
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`${JSON.stringify({ port, token })}\n`);

const stop = async () => {
  await app.close();
  await bench.destroy();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
