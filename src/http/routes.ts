import type { AppDeps, App } from './app.ts';
import { healthRoutes } from './routes/health-routes.ts';

/**
 * Every route file of the API, registered in one place. A feature adds one line here.
 */
export async function registerRoutes(app: App, deps: AppDeps): Promise<void> {
  await app.register(healthRoutes(deps));
}
