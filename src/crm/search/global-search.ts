import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

/** What the global search covers here (people are searched by the people area over blind-indexed names). */
export const searchTypes = ['organization', 'deal'] as const;
export type SearchType = (typeof searchTypes)[number];

/** One hit: enough to show and link it. */
export interface SearchHit {
  readonly type: SearchType;
  readonly id: string;
  /** Organization name or deal title. */
  readonly title: string;
  /** Organization domain, or the deal's status. */
  readonly subtitle: string | null;
}

export interface GlobalSearch {
  search(workspaceId: string, query: string, types?: readonly SearchType[], limit?: number): Promise<SearchHit[]>;
}

/** Normalised like the organizations' `name_key` and the deals' `title_key`: NFKC, trimmed, lower-case. */
function keyOf(text: string): string {
  return text.trim().normalize('NFKC').toLocaleLowerCase('en');
}

/** `%`, `_` and the escape itself match literally. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Substring search over organization names and domains and deal titles (business data, stored plain). It reads the
 * lower-cased `name_key` / `title_key` columns the organizations and deals keep, with `LIKE '%…%' ESCAPE '\'`:
 * case-insensitive, not accent-insensitive ("Zurich" does not find "Zürich"), and a scan of the workspace's rows
 * (fine for tens of thousands; a trigram or token index is the next step — see docs/adr/0016).
 *
 * @example
 * const search = createGlobalSearch({ db });
 * await search.search(workspaceId, 'acme'); // [{ type: 'organization', id, title: 'ACME Corp', subtitle: 'acme.example' }]
 */
export function createGlobalSearch(deps: { readonly db: Db }): GlobalSearch {
  const kysely = deps.db.kysely;
  return {
    async search(workspaceId, query, types = searchTypes, limit = 10) {
      const pattern = likePattern(keyOf(query));
      const hits: SearchHit[] = [];
      if (types.includes('organization')) {
        const rows = await sql<{ id: string; name: string; domain: string | null }>`
          select id, name, domain from organizations
          where workspace_id = ${workspaceId} and (name_key like ${pattern} escape '\\' or domain like ${pattern} escape '\\')
          order by name_key, id limit ${limit}`.execute(kysely);
        hits.push(...rows.rows.map((r) => ({ type: 'organization' as const, id: r.id, title: r.name, subtitle: r.domain })));
      }
      if (types.includes('deal')) {
        const rows = await sql<{ id: string; title: string; status: string }>`
          select id, title, status from deals
          where workspace_id = ${workspaceId} and title_key like ${pattern} escape '\\'
          order by title_key, id limit ${limit}`.execute(kysely);
        hits.push(...rows.rows.map((r) => ({ type: 'deal' as const, id: r.id, title: r.title, subtitle: r.status })));
      }
      return hits;
    },
  };
}
