import { dropAllTemplates } from './migrated-template.ts';
import { postgresAdminUrl } from './test-database.ts';

/**
 * Vitest global setup: nothing to set up (templates are built on first use); when the run ends, the migrated
 * templates are dropped so that tests leave no database or file behind.
 */
export default function templateTeardown(): () => Promise<void> {
  return () => dropAllTemplates(postgresAdminUrl);
}
