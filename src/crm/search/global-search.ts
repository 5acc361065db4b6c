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

/** Lower-case without accents: `Zürich` and `zurich` fold to the same text. */
function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLocaleLowerCase('en').trim();
}

/** Letters that have accented forms: in the SQL pattern they match any one character, and the fold decides. */
const foldable = new Set('aceilnorsuyz');

/** A `LIKE` pattern for the text as it is, `%`, `_` and the escape taken literally. */
function literalPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * A `LIKE` pattern that finds every accented spelling of the folded query: `%`, `_` and the escape match literally,
 * letters with accented forms match any one character (`zurich` → `%z_r_ch%`), the rest match themselves.
 */
function likePattern(folded: string): string {
  const escaped = [...folded].map((c) => (c === '\\' || c === '%' || c === '_' ? `\\${c}` : foldable.has(c) ? '_' : c)).join('');
  return `%${escaped}%`;
}

/**
 * Substring search over organization names and domains and deal titles (business data, stored plain), case- and
 * accent-insensitive ("zurich" finds "Zürich", "ärzte" finds "Arzte"). It reads the lower-cased `name_key` /
 * `title_key` columns the organizations and deals keep with `LIKE '%…%' ESCAPE '\'`: the spelling typed first, then
 * a pattern broad enough for every accented spelling, whose rows are kept when their folded text holds the folded
 * query. Accented matches are best-effort in large workspaces (the broad read is bounded); exact-spelling matches are
 * never lost. A scan of the workspace's rows: fine for tens of thousands; a trigram index is the next step (ADR 0016).
 *
 * @example
 * const search = createGlobalSearch({ db });
 * await search.search(workspaceId, 'acme'); // [{ type: 'organization', id, title: 'ACME Corp', subtitle: 'acme.example' }]
 */
export function createGlobalSearch(deps: { readonly db: Db }): GlobalSearch {
  const kysely = deps.db.kysely;
  return {
    async search(workspaceId, query, types = searchTypes, limit = 10) {
      const folded = fold(query);
      // Exact spelling first (case-insensitive), then accented spellings from a broader pattern that over-matches
      // (any letter where an accent may be), read up to ten times the limit and kept when their folded text matches.
      const patterns = [literalPattern(query.trim().normalize('NFKC').toLocaleLowerCase('en')), likePattern(folded)];
      const scan = limit * 10;
      const hits: SearchHit[] = [];
      const keep = <T extends { id: string }>(lists: readonly (readonly T[])[], matches: (row: T) => boolean): T[] => {
        const seen = new Set<string>();
        return lists.flat().filter((r) => !seen.has(r.id) && seen.add(r.id) && matches(r)).slice(0, limit);
      };
      if (types.includes('organization')) {
        const lists = [];
        for (const [i, pattern] of patterns.entries()) {
          const rows = await sql<{ id: string; name: string; domain: string | null }>`
            select id, name, domain from organizations
            where workspace_id = ${workspaceId} and (name_key like ${pattern} escape '\\' or domain like ${pattern} escape '\\')
            order by name_key, id limit ${i === 0 ? limit : scan}`.execute(kysely);
          lists.push(rows.rows);
        }
        const found = keep(lists, (r) => fold(r.name).includes(folded) || (r.domain !== null && fold(r.domain).includes(folded)));
        hits.push(...found.map((r) => ({ type: 'organization' as const, id: r.id, title: r.name, subtitle: r.domain })));
      }
      if (types.includes('deal')) {
        const lists = [];
        for (const [i, pattern] of patterns.entries()) {
          const rows = await sql<{ id: string; title: string; status: string }>`
            select id, title, status from deals
            where workspace_id = ${workspaceId} and title_key like ${pattern} escape '\\'
            order by title_key, id limit ${i === 0 ? limit : scan}`.execute(kysely);
          lists.push(rows.rows);
        }
        const found = keep(lists, (r) => fold(r.title).includes(folded));
        hits.push(...found.map((r) => ({ type: 'deal' as const, id: r.id, title: r.title, subtitle: r.status })));
      }
      return hits;
    },
  };
}
