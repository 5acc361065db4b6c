import { sql, type Kysely } from 'kysely';
import { param, queryTemplate, type QueryTemplate } from '../../db/query-template.ts';
import type { Database } from '../../db/schema.ts';
import type { FieldCipher } from '../crypto/field-cipher.ts';
import type { DataKey } from '../crypto/key-service.ts';
import {
  personAttributes,
  personBinding,
  personColumns,
  type ContactPoint,
  type LifecycleStage,
  type PersonAttribute,
  type PersonView,
  type PostalAddress,
  type Provenance,
  type ProvenanceField,
  type ProvenanceSource,
} from './person-fields.ts';
import { contactPointBinding, fieldProvenanceBinding } from './person-rows.ts';

type PersonRow = Database['persons'];

/** Ids per query of the detail tables (well under both databases' parameter limits). */
const chunk = 500;

/** One row of the details query: a contact point (`c`), a tag (`t`) or a field's provenance (`p`). */
interface DetailRow {
  t: 'c' | 't' | 'p';
  person_id: string;
  /** Contact point id, tag, or provenance field. */
  a: string;
  /** Contact point kind, or provenance source. */
  b: string | null;
  /** Contact point label, or provenance import id. */
  c: string | null;
  /** Contact point position. */
  n: number | null;
  /** Contact point is_primary. */
  m: number | null;
  /** Contact point value, or provenance source detail (envelopes). */
  v: Buffer | null;
  /** Provenance obtained_at. */
  d: string | null;
}

/** Emails and phones (when readable), tags and per-field provenance of `ids`, in one UNION ALL round trip. */
function detailsQuery(db: Kysely<Database>, workspaceId: string, ids: readonly string[], withPoints: boolean) {
  const nothing = sql<null>`null`;
  const tags = db
    .selectFrom('person_tags')
    .select([sql<string>`'t'`.as('t'), 'person_id', 'tag as a', nothing.as('b'), nothing.as('c'), nothing.as('n'), nothing.as('m'), nothing.as('v'), nothing.as('d')])
    .where('workspace_id', '=', workspaceId)
    .where('person_id', 'in', ids);
  const provenance = db
    .selectFrom('person_field_provenance')
    .select([sql<string>`'p'`.as('t'), 'person_id', 'field as a', 'source as b', 'import_id as c', nothing.as('n'), nothing.as('m'), 'source_detail as v', 'obtained_at as d'])
    .where('workspace_id', '=', workspaceId)
    .where('person_id', 'in', ids);
  // The branches differ in which columns are null; the database resolves the types (casts keep Kysely quiet).
  if (!withPoints) return tags.unionAll(provenance as never);
  return db
    .selectFrom('person_contact_points')
    .select([sql<string>`'c'`.as('t'), 'person_id', 'id as a', 'kind as b', 'label as c', 'position as n', 'is_primary as m', 'value as v', nothing.as('d')])
    .where('workspace_id', '=', workspaceId)
    .where('person_id', 'in', ids)
    .unionAll(tags as never)
    .unionAll(provenance as never);
}

/** The one-person details query (every read of a person), compiled once per dialect. */
const onePerson: Record<'points' | 'noPoints', QueryTemplate> = {
  points: queryTemplate((db) => detailsQuery(db as Kysely<Database>, param('ws'), [param('id')], true)),
  noPoints: queryTemplate((db) => detailsQuery(db as Kysely<Database>, param('ws'), [param('id')], false)),
};

/** Details already in memory (just written), so that a view of them needs no query. */
export interface KnownDetails {
  readonly contactPoints: readonly Database['person_contact_points'][];
  readonly tags: readonly Database['person_tags'][];
  readonly provenance: readonly Database['person_field_provenance'][];
}

/**
 * Turns `persons` rows into views: decrypts the readable attributes under each person's key and loads emails,
 * phones, tags and per-field provenance for the whole batch in one query per 500 people (none when `known` gives
 * the rows, as after a create).
 *
 * @example
 * const views = createPersonViews({ fieldCipher });
 * const [ada] = await views.load(db, [row], keysById, ['firstName', 'email']);
 */
export function createPersonViews(deps: { readonly fieldCipher: FieldCipher }) {
  const { fieldCipher } = deps;

  const load = async (
    db: Kysely<Database>,
    rows: readonly PersonRow[],
    keys: ReadonlyMap<string, DataKey>,
    readable: readonly PersonAttribute[],
    known?: KnownDetails,
  ): Promise<PersonView[]> => {
    const ids = rows.filter((r) => keys.has(r.id)).map((r) => r.id);
    if (ids.length === 0) return [];
    const workspaceId = (rows[0] as PersonRow).workspace_id;
    const shown = new Set(readable);
    const withPoints = shown.has('email') || shown.has('phone');
    const points: Database['person_contact_points'][] = [];
    const tags: Database['person_tags'][] = [];
    const provenance: Database['person_field_provenance'][] = [];
    if (known) {
      if (withPoints) points.push(...known.contactPoints);
      tags.push(...known.tags);
      provenance.push(...known.provenance);
    }
    for (let i = 0; !known && i < ids.length; i += chunk) {
      const part = ids.slice(i, i + chunk);
      const found =
        part.length === 1
          ? (await db.executeQuery(onePerson[withPoints ? 'points' : 'noPoints']<DetailRow>(db, { ws: workspaceId, id: part[0] }))).rows
          : ((await detailsQuery(db, workspaceId, part, withPoints).execute()) as DetailRow[]);
      for (const r of found) {
        if (r.t === 'c') {
          points.push({ id: r.a, workspace_id: workspaceId, person_id: r.person_id, kind: r.b as string, position: Number(r.n), value: r.v as Buffer, label: r.c, is_primary: Number(r.m) });
        } else if (r.t === 't') tags.push({ workspace_id: workspaceId, person_id: r.person_id, tag: r.a });
        else provenance.push({ workspace_id: workspaceId, person_id: r.person_id, field: r.a, source: r.b as string, source_detail: r.v, obtained_at: r.d as string, import_id: r.c });
      }
    }
    const group = <T extends { person_id: string }>(list: readonly T[]) => {
      const map = new Map<string, T[]>();
      for (const item of list) map.set(item.person_id, [...(map.get(item.person_id) ?? []), item]);
      return map;
    };
    const pointsOf = group(points);
    const tagsOf = group(tags);
    const provenanceOf = group(provenance);
    const views: PersonView[] = [];
    for (const row of rows) {
      const key = keys.get(row.id);
      if (!key) continue;
      const value = (a: PersonAttribute): string | null => {
        const envelope = row[personColumns[a]];
        return shown.has(a) && envelope ? fieldCipher.decrypt(key, envelope, personBinding(row.workspace_id, row.id, a)) : null;
      };
      const pointList = (kind: 'email' | 'phone'): ContactPoint[] => {
        if (!shown.has(kind)) return [];
        const list = (pointsOf.get(row.id) ?? [])
          .filter((p) => p.kind === kind)
          .sort((a, b) => a.position - b.position)
          .map((p) => ({ value: fieldCipher.decrypt(key, p.value, contactPointBinding(row.workspace_id, p.id)), label: p.label, primary: p.is_primary === 1 }));
        // A person stored before contact points (migration 0020) has its primary value in `persons` only.
        const primary = list.length === 0 ? value(kind) : null;
        return primary === null ? list : [{ value: primary, label: null, primary: true }];
      };
      const address = value('address');
      views.push({
        id: row.id,
        pseudonym: row.pseudonym,
        firstName: value('firstName'),
        lastName: value('lastName'),
        email: value('email'),
        phone: value('phone'),
        emails: pointList('email'),
        phones: pointList('phone'),
        jobTitle: value('jobTitle'),
        address: address === null ? null : (JSON.parse(address) as PostalAddress),
        notes: value('notes'),
        organizationId: row.organization_id,
        ownerUserId: row.owner_user_id,
        lifecycleStage: row.lifecycle_stage as LifecycleStage | null,
        tags: (tagsOf.get(row.id) ?? []).map((t) => t.tag).sort(),
        provenance: { source: row.source as ProvenanceSource, sourceDetail: value('sourceDetail'), obtainedAt: row.obtained_at, importId: row.import_id },
        fieldProvenance: (provenanceOf.get(row.id) ?? [])
          .map((p): Provenance & { field: ProvenanceField } => ({
            field: p.field as ProvenanceField,
            source: p.source as ProvenanceSource,
            sourceDetail:
              shown.has('sourceDetail') && p.source_detail ? fieldCipher.decrypt(key, p.source_detail, fieldProvenanceBinding(row.workspace_id, row.id, p.field)) : null,
            obtainedAt: p.obtained_at,
            importId: p.import_id,
          }))
          .sort((a, b) => a.field.localeCompare(b.field)),
        withheld: personAttributes.filter((a) => !shown.has(a)),
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        version: row.version,
      });
    }
    return views;
  };

  return { load };
}

export type PersonViews = ReturnType<typeof createPersonViews>;
