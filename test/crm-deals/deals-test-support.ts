import type { PeopleTestApp } from '../kernel-people/people-test-app.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** An owner-authenticated JSON call; `headers` add or override (If-Match, Idempotency-Key, another role). */
export function call(ctx: PeopleTestApp, method: Method, url: string, payload?: unknown, headers: Record<string, string> = {}) {
  return ctx.app.inject({ method, url, headers: { ...ctx.as.owner, ...headers }, ...(payload === undefined ? {} : { payload: payload as object }) });
}

/** The default pipeline of the workspace with its stages. */
export async function defaultPipeline(ctx: PeopleTestApp): Promise<{ id: string; version: number; stages: { id: string; name: string; kind: string }[] }> {
  const res = await call(ctx, 'GET', '/api/v1/pipelines');
  return res.json().items.find((p: { isDefault: boolean }) => p.isDefault);
}

/** Every table the deals area writes, as sorted JSON, to prove a refused request changed nothing. */
export async function dealsSnapshot(ctx: PeopleTestApp): Promise<string> {
  const db = ctx.t.db.kysely;
  const out: Record<string, unknown> = {};
  for (const table of ['organizations', 'pipelines', 'pipeline_stages', 'deals', 'deal_people', 'deal_stage_history'] as const) {
    out[table] = (await db.selectFrom(table).selectAll().execute()).map((r) => JSON.stringify(r)).sort();
  }
  return JSON.stringify(out);
}
