import type { AppDeps, App } from './app.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { catalogueRoutes } from './routes/catalogue-routes.ts';
import { purposesRoutes } from './routes/purposes-routes.ts';
import { standingRoutes } from './routes/standing-routes.ts';
import { peopleRoutes } from './routes/people-routes.ts';
import { erasureRoutes } from './routes/erasure-routes.ts';

/**
 * Every route file of the API, registered in one place. A feature adds one line here.
 */
export async function registerRoutes(app: App, deps: AppDeps): Promise<void> {
  await app.register(healthRoutes(deps));
  await app.register(catalogueRoutes(deps));
  await app.register(purposesRoutes(deps));
  await app.register(standingRoutes(deps));
  await app.register(peopleRoutes(deps));
  await app.register(erasureRoutes(deps));
}
