/**
 * A per-workspace cache of a value that changes rarely (purposes, catalogue), with explicit invalidation on change
 * and a time-to-live as a backstop for changes made by another process.
 *
 * The loader receives whatever executor the caller holds, so that loading inside a transaction never waits for a
 * second connection (SQLite has one).
 *
 * @example
 * const cache = createWorkspaceCache((db, ws) => loadPurposes(db, ws), { ttlMs: 2000, now: () => Date.now() });
 * const purposes = await cache.get(trx, workspaceId);
 * cache.invalidate(workspaceId);
 */
export interface WorkspaceCache<E, V> {
  get(executor: E, workspaceId: string): Promise<V>;
  invalidate(workspaceId: string): void;
}

export function createWorkspaceCache<E, V>(
  load: (executor: E, workspaceId: string) => Promise<V>,
  options: { ttlMs: number; now?: () => number; maxWorkspaces?: number },
): WorkspaceCache<E, V> {
  const now = options.now ?? (() => Date.now());
  const max = options.maxWorkspaces ?? 1000;
  const entries = new Map<string, { value: V; loadedAt: number; generation: number }>();
  const generations = new Map<string, number>();
  return {
    async get(executor, workspaceId) {
      const hit = entries.get(workspaceId);
      const generation = generations.get(workspaceId) ?? 0;
      if (hit && hit.generation === generation && now() - hit.loadedAt < options.ttlMs) return hit.value;
      const value = await load(executor, workspaceId);
      // Keep only what was loaded after the last invalidation.
      if ((generations.get(workspaceId) ?? 0) === generation) {
        if (entries.size >= max && !entries.has(workspaceId)) {
          const oldest = entries.keys().next().value;
          if (oldest !== undefined) entries.delete(oldest);
        }
        entries.set(workspaceId, { value, loadedAt: now(), generation });
      }
      return value;
    },
    invalidate(workspaceId) {
      generations.set(workspaceId, (generations.get(workspaceId) ?? 0) + 1);
      entries.delete(workspaceId);
    },
  };
}
