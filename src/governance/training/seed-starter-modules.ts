import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { dialectOf } from '../../db/dialect.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { ActorContext } from '../../kernel/gate/processing-context.ts';
import type { WorkspaceSeeder } from '../../workspaces/create-workspace.ts';
import { createTrainingModule } from './training-modules.ts';
import { starterContent, starterModules } from './starter-modules/starter-modules.ts';

/**
 * Adds the starter modules (GDPR principles, data subject requests, breaches) that the workspace does not have yet,
 * active, with a yearly refresher; a starter module the workspace edited or deactivated is left as it is. Returns how
 * many were added. Nothing is assigned until a manager assigns them to roles.
 *
 * @example
 * const added = await installStarterModules({ db, clock }, ctx); // 3 on a workspace created before training existed
 */
export async function installStarterModules(deps: { db: Kysely<Database>; clock: Clock }, ctx: ActorContext): Promise<number> {
  const write = async (trx: Kysely<Database>) => {
    const present = await trx
      .selectFrom('training_modules')
      .select('starter_key')
      .where('workspace_id', '=', ctx.workspaceId)
      .where('starter_key', 'is not', null)
      .execute();
    const have = new Set(present.map((p) => p.starter_key));
    const missing = starterModules.filter((m) => !have.has(m.key));
    const moduleDeps = { db: trx, dialect: dialectOf(trx as never), clock: deps.clock };
    for (const m of missing) {
      await createTrainingModule(
        moduleDeps,
        ctx,
        { title: m.title, content: starterContent(m), quiz: m.quiz, passMark: m.passMark, refresherInterval: m.refresherInterval },
        m.key,
      );
    }
    return missing.length;
  };
  return deps.db.isTransaction ? write(deps.db) : deps.db.transaction().execute(write);
}

/**
 * Seeds the three starter modules in a new workspace.
 *
 * @example
 * export const workspaceSeeders = [seedBuiltinRoles, seedCatalogue, seedPurposes, seedStarterModules];
 */
export const seedStarterModules: WorkspaceSeeder = async (trx, workspaceId, clock) => {
  await installStarterModules({ db: trx, clock }, { workspaceId, actor: { type: 'system', id: 'seed' } });
};
