import type { AppDeps, App } from './app.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { auditRoutes } from './routes/audit-routes.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { meRoutes } from './routes/me-routes.ts';
import { usersRoutes } from './routes/users-routes.ts';
import { rolesRoutes } from './routes/roles-routes.ts';
import { tokensRoutes } from './routes/tokens-routes.ts';
import { settingsRoutes } from './routes/settings-routes.ts';
import { catalogueRoutes } from './routes/catalogue-routes.ts';
import { purposesRoutes } from './routes/purposes-routes.ts';
import { standingRoutes } from './routes/standing-routes.ts';
import { peopleRoutes } from './routes/people-routes.ts';
import { erasureRoutes } from './routes/erasure-routes.ts';
import { importsRoutes } from './routes/imports-routes.ts';
import { duplicatesRoutes } from './routes/duplicates-routes.ts';
import { governanceOrganisationRoutes } from './routes/governance-organisation-routes.ts';
import { governanceProcessorsRoutes } from './routes/governance-processors-routes.ts';
import { governanceRopaRoutes } from './routes/governance-ropa-routes.ts';
import { governanceDpiaRoutes } from './routes/governance-dpia-routes.ts';
import { organizationsRoutes } from './routes/organizations-routes.ts';
import { pipelinesRoutes } from './routes/pipelines-routes.ts';
import { dealsRoutes } from './routes/deals-routes.ts';
import { customFieldsRoutes } from './routes/custom-fields-routes.ts';
import { exportsRoutes } from './routes/exports-routes.ts';
import { viewsRoutes } from './routes/views-routes.ts';
import { searchRoutes } from './routes/search-routes.ts';
import { trainingRoutes } from './routes/training-routes.ts';
import { bulletinsRoutes } from './routes/bulletins-routes.ts';

import { activitiesRoutes } from './routes/activities-routes.ts';
import { tasksRoutes } from './routes/tasks-routes.ts';
import { timelineRoutes } from './routes/timeline-routes.ts';
/**
 * Every route file of the API, registered in one place. A feature adds one line here.
 */
export async function registerRoutes(app: App, deps: AppDeps): Promise<void> {
  await app.register(healthRoutes(deps));
  await app.register(auditRoutes(deps));
  await app.register(authRoutes(deps));
  await app.register(meRoutes(deps));
  await app.register(usersRoutes(deps));
  await app.register(rolesRoutes(deps));
  await app.register(tokensRoutes(deps));
  await app.register(settingsRoutes(deps));
  await app.register(catalogueRoutes(deps));
  await app.register(purposesRoutes(deps));
  await app.register(standingRoutes(deps));
  await app.register(peopleRoutes(deps));
  await app.register(erasureRoutes(deps));
  await app.register(importsRoutes(deps));
  await app.register(duplicatesRoutes(deps));
  await app.register(governanceOrganisationRoutes(deps));
  await app.register(governanceProcessorsRoutes(deps));
  await app.register(governanceRopaRoutes(deps));
  await app.register(governanceDpiaRoutes(deps));
  await app.register(organizationsRoutes(deps));
  await app.register(pipelinesRoutes(deps));
  await app.register(dealsRoutes(deps));
  await app.register(customFieldsRoutes(deps));
  await app.register(trainingRoutes(deps));
  await app.register(bulletinsRoutes(deps));
  await app.register(activitiesRoutes(deps));
  await app.register(tasksRoutes(deps));
  await app.register(timelineRoutes(deps));
  await app.register(exportsRoutes(deps));
  await app.register(viewsRoutes(deps));
  await app.register(searchRoutes(deps));
}
