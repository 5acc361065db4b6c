import type { CompiledQuery, Compilable, Kysely } from 'kysely';
import { dialectOf } from './dialect.ts';

/** Marks a named parameter in a template: a string no real value starts with. */
const mark = '\u0000tpl:';

/**
 * A named parameter for `queryTemplate`: put it where the value goes when building the query once.
 *
 * @example
 * trx.selectFrom('persons').selectAll().where('id', '=', param('id'))
 */
export function param(name: string): never {
  return `${mark}${name}` as never;
}

/** A query compiled once per dialect; each call only fills in the parameters. */
export type QueryTemplate = <R = unknown>(db: Kysely<any>, values: Readonly<Record<string, unknown>>) => CompiledQuery<R>;

/**
 * Kysely compiles a query on every call (a large share of a hot path's CPU time, see ARCHITECTURE.md). This builds the
 * query with `param(name)` placeholders the first time a dialect needs it, compiles it, remembers where each named
 * parameter goes, and afterwards only swaps the values in. Use it for queries whose shape never changes.
 *
 * @example
 * const selectHead = queryTemplate((db) => db.selectFrom('audit_heads').select(['seq']).where('workspace_id', '=', param('ws')));
 * const { rows } = await trx.executeQuery(selectHead(trx, { ws: workspaceId }));
 */
export function queryTemplate(build: (db: Kysely<any>) => Compilable): QueryTemplate {
  const compiled = new Map<string, { query: CompiledQuery; names: string[] }>();
  return <R>(db: Kysely<any>, values: Readonly<Record<string, unknown>>): CompiledQuery<R> => {
    const dialect = dialectOf(db);
    let entry = compiled.get(dialect);
    if (!entry) {
      const query = build(db).compile();
      const names = query.parameters.map((p) => {
        if (typeof p !== 'string' || !p.startsWith(mark)) throw new Error('queryTemplate: every parameter must be a param()');
        return p.slice(mark.length);
      });
      entry = { query, names };
      compiled.set(dialect, entry);
    }
    const parameters = entry.names.map((name) => {
      if (!(name in values)) throw new Error(`queryTemplate: no value for ${name}`);
      return values[name];
    });
    return { ...entry.query, parameters } as CompiledQuery<R>;
  };
}
