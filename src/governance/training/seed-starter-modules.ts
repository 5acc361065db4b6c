import type { WorkspaceSeeder } from '../../workspaces/create-workspace.ts';
import { createTrainingModule } from './training-modules.ts';
import { starterContent, starterModules } from './starter-modules/starter-modules.ts';
import { dialectOf } from '../../db/dialect.ts';

/**
 * Seeds the three starter modules (GDPR principles, data subject requests, breaches) in a new workspace, active,
 * with a yearly refresher. They are not assigned to anyone until a manager assigns them to roles.
 *
 * @example
 * export const workspaceSeeders = [seedBuiltinRoles, seedCatalogue, seedPurposes, seedStarterModules];
 */
export const seedStarterModules: WorkspaceSeeder = async (trx, workspaceId, clock) => {
  const deps = { db: trx, dialect: dialectOf(trx as never), clock };
  const ctx = { workspaceId, actor: { type: 'system' as const, id: 'seed' } };
  for (const m of starterModules) {
    await createTrainingModule(
      deps,
      ctx,
      { title: m.title, content: starterContent(m), quiz: m.quiz, passMark: m.passMark, refresherInterval: m.refresherInterval },
      m.key,
    );
  }
};
