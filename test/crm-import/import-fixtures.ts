import type { AppServices } from '../../src/http/app-services.ts';
import { createImportArea } from '../../src/crm/import/import-area.ts';
import type { ImportService } from '../../src/crm/import/import-service.ts';
import type { ProcessingContext } from '../../src/kernel/gate/processing-context.ts';
import type { PeopleTestApp } from '../kernel-people/people-test-app.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';

/** A CSV of `count` people with unique emails, `prefix` distinguishing files. */
export function peopleCsv(count: number, prefix: string, header = 'Prénom,Nom,E-mail,Téléphone'): string {
  const lines = [header];
  for (let i = 1; i <= count; i += 1) lines.push(`Ada${i},"Love, lace ${i}",${prefix}.${i}@example.com,`);
  return `${lines.join('\n')}\n`;
}

/** A file reader over a string or bytes, as the CLI's file stream would give it (in small chunks). */
export function fileOf(content: string | Buffer): () => AsyncIterable<Buffer> {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return async function* () {
    for (let i = 0; i < bytes.length; i += 4096) yield bytes.subarray(i, i + 4096);
  };
}

/** The owner's processing context under `crm`. */
export async function ownerContext(ctx: PeopleTestApp): Promise<ProcessingContext> {
  const user = await ctx.t.db.kysely
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select(['users.id'])
    .where('users.workspace_id', '=', ctx.workspaceId)
    .where('roles.key', '=', 'owner')
    .executeTakeFirstOrThrow();
  return {
    workspaceId: ctx.workspaceId,
    actor: { type: 'user', id: user.id },
    purpose: 'crm',
    role: { purposes: ['*'], dataCategories: ['*'] },
  } as ProcessingContext;
}

/** An import service over the test app's services, with a small batch and an optional crash hook. */
export function importServiceOf(
  services: AppServices,
  ctx: PeopleTestApp,
  options: { batchSize?: number; afterBatch?: (n: number) => void; maxBytes?: number } = {},
): ImportService {
  return createImportArea({
    db: ctx.t.db,
    clock: ctx.clock,
    gate: services.gate,
    keys: services.keys,
    fieldCipher: services.fieldCipher,
    blindIndex: services.blindIndex,
    people: services.people,
    purposes: services.purposes,
    ...options,
  }).imports;
}

/** Number of live people of a workspace, and of those stamped with an import id. */
export async function countPeople(db: Kysely<Database>, workspaceId: string, importId?: string): Promise<number> {
  let q = db.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', workspaceId).where('erased_at', 'is', null);
  if (importId) q = q.where('import_id', '=', importId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}
