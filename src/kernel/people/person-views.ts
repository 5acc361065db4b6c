import type { Kysely } from 'kysely';
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

/**
 * Turns `persons` rows into views: decrypts the readable attributes under each person's key and loads emails,
 * phones, tags and per-field provenance for the whole batch in three queries per 500 people.
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
  ): Promise<PersonView[]> => {
    const ids = rows.filter((r) => keys.has(r.id)).map((r) => r.id);
    if (ids.length === 0) return [];
    const workspaceId = (rows[0] as PersonRow).workspace_id;
    const shown = new Set(readable);
    const points: Database['person_contact_points'][] = [];
    const tags: Database['person_tags'][] = [];
    const provenance: Database['person_field_provenance'][] = [];
    for (let i = 0; i < ids.length; i += chunk) {
      const part = ids.slice(i, i + chunk);
      if (shown.has('email') || shown.has('phone')) {
        points.push(...(await db.selectFrom('person_contact_points').selectAll().where('workspace_id', '=', workspaceId).where('person_id', 'in', part).execute()));
      }
      tags.push(...(await db.selectFrom('person_tags').selectAll().where('workspace_id', '=', workspaceId).where('person_id', 'in', part).execute()));
      provenance.push(...(await db.selectFrom('person_field_provenance').selectAll().where('workspace_id', '=', workspaceId).where('person_id', 'in', part).execute()));
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
