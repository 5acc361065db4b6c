import type { DialectName } from '../../src/db/database.ts';
import { insertTokenForRole } from '../support/owner-token.ts';
import { useTestApp, type TestApp } from '../support/test-app.ts';

/** A signed-in user for the tests: their id and bearer header. */
export interface TestUser {
  readonly userId: string;
  readonly headers: { authorization: string };
}

/**
 * A whole app on a fresh database (see `useTestApp`), plus a helper that adds a user of a role with an API token.
 *
 * @example
 * const ctx = useTrainingTestApp('sqlite');
 * const sales = await ctx().user('sales');
 */
export function useTrainingTestApp(dialect: DialectName): () => TestApp & { user(role: string): Promise<TestUser> } {
  const base = useTestApp(dialect);
  return () => {
    const ctx = base();
    return {
      ...ctx,
      async user(role: string) {
        const { token, userId } = await insertTokenForRole(ctx.t.db.kysely, ctx.workspaceId, role, { at: ctx.clock.now().toISOString() });
        return { userId, headers: { authorization: `Bearer ${token}` } };
      },
    };
  };
}

/** Answers that get every question of a quiz right (from the manager's view of the module). */
export function rightAnswers(quiz: readonly { id: string; options: readonly { id: string; correct: boolean }[] }[]): Record<string, string[]> {
  return Object.fromEntries(quiz.map((q) => [q.id, q.options.filter((o) => o.correct).map((o) => o.id)]));
}

/** Answers that get every question wrong (the first wrong option of each). */
export function wrongAnswers(quiz: readonly { id: string; options: readonly { id: string; correct: boolean }[] }[]): Record<string, string[]> {
  return Object.fromEntries(quiz.map((q) => [q.id, [q.options.find((o) => !o.correct)?.id ?? 'z']]));
}
