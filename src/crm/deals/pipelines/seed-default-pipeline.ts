import type { WorkspaceSeeder } from '../../../workspaces/create-workspace.ts';
import { defaultSalesStages, insertPipeline } from './pipeline-service.ts';

/**
 * Gives every new workspace a default "Sales" pipeline (Lead → Qualified → Proposal → Negotiation → Won / Lost).
 *
 * @example
 * await createWorkspace({ db, clock, seeders: [seedBuiltinRoles, seedDefaultPipeline] }, { name: 'Acme' });
 */
export const seedDefaultPipeline: WorkspaceSeeder = async (trx, workspaceId, clock) => {
  await insertPipeline(trx, workspaceId, { name: 'Sales', isDefault: true, stages: defaultSalesStages }, clock.now().toISOString());
};
