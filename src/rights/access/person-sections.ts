import type { FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import {
  personAttributes,
  personBinding,
  personColumns,
  type PersonAttribute,
} from '../../kernel/people/person-fields.ts';
import {
  contactPointBinding,
  fieldProvenanceBinding,
  rectificationBinding,
} from '../../kernel/people/person-rows.ts';
import type { AccessSection, SectionContext } from './access-section.ts';

/** Person attributes written by staff about the person, never provided by them (left out of portability). */
const staffWritten: ReadonlySet<PersonAttribute> = new Set(['notes', 'sourceDetail']);
/** Provenance sources meaning the person gave the value themselves. */
const givenByPerson = new Set(['provided', 'form']);

function decryptOrNull(
  fieldCipher: FieldCipher,
  c: SectionContext,
  envelope: Buffer | null,
  binding: Parameters<FieldCipher['decrypt']>[2],
): string | null {
  return envelope && c.key ? fieldCipher.decrypt(c.key, envelope, binding) : null;
}

/** Whether a person attribute counts for portability: declared as provided, given by the person, under consent or contract. */
async function portableAttributes(c: SectionContext): Promise<Set<PersonAttribute>> {
  if (c.kind === 'access') return new Set(personAttributes);
  const fieldSources = new Map(
    (
      await c.db
        .selectFrom('person_field_provenance')
        .select(['field', 'source'])
        .where('workspace_id', '=', c.workspaceId)
        .where('person_id', '=', c.person.id)
        .execute()
    ).map((r) => [r.field, r.source]),
  );
  const out = new Set<PersonAttribute>();
  for (const a of personAttributes) {
    if (staffWritten.has(a)) continue;
    const declared = c.attribute('person', a);
    const provenanceField = a === 'email' ? 'emails' : a === 'phone' ? 'phones' : a;
    const obtainedVia = fieldSources.get(provenanceField) ?? c.person.source;
    if (declared && givenByPerson.has(obtainedVia) && c.portable(declared.category, declared.source))
      out.add(a);
  }
  return out;
}

/**
 * Sections about the person's own record: every attribute decrypted, contact points, tags, per-field provenance,
 * rectification history, the record-level source.
 *
 * @example
 * const sections = personSections({ fieldCipher });
 */
export function personSections(deps: { readonly fieldCipher: FieldCipher }): AccessSection[] {
  const { fieldCipher } = deps;
  const ws = (c: SectionContext) => c.workspaceId;

  const person: AccessSection = {
    key: 'person',
    tables: ['persons'],
    portability: true,
    async collect(c) {
      const shown = await portableAttributes(c);
      const item: Record<string, unknown> = { id: c.person.id, pseudonym: c.person.pseudonym };
      for (const a of personAttributes) {
        if (!shown.has(a)) continue;
        const value = decryptOrNull(
          fieldCipher,
          c,
          c.person[personColumns[a]],
          personBinding(ws(c), c.person.id, a),
        );
        if (a === 'address') {
          const address = value === null ? {} : (JSON.parse(value) as Record<string, unknown>);
          for (const part of ['street', 'city', 'postalCode', 'region', 'country'])
            item[`address.${part}`] = address[part] ?? null;
        } else item[a] = value;
      }
      if (c.kind === 'access') {
        Object.assign(item, {
          organizationId: c.person.organization_id,
          ownerUserId: c.person.owner_user_id,
          lifecycleStage: c.person.lifecycle_stage,
          createdAt: c.person.created_at,
          updatedAt: c.person.updated_at,
        });
      }
      return { items: [item] };
    },
  };

  const contactPoints: AccessSection = {
    key: 'contact_points',
    tables: ['person_contact_points'],
    portability: true,
    async collect(c) {
      const shown = await portableAttributes(c);
      const rows = await c.db
        .selectFrom('person_contact_points')
        .selectAll()
        .where('workspace_id', '=', ws(c))
        .where('person_id', '=', c.person.id)
        .orderBy('kind')
        .orderBy('position')
        .execute();
      return {
        items: rows
          .filter((r) => shown.has(r.kind as PersonAttribute))
          .map((r) => ({
            kind: r.kind,
            value: decryptOrNull(fieldCipher, c, r.value, contactPointBinding(ws(c), r.id)),
            label: r.label,
            primary: r.is_primary === 1,
          })),
      };
    },
  };

  const tags: AccessSection = {
    key: 'tags',
    tables: ['person_tags'],
    portability: false,
    async collect(c) {
      const rows = await c.db
        .selectFrom('person_tags')
        .select('tag')
        .where('workspace_id', '=', ws(c))
        .where('person_id', '=', c.person.id)
        .orderBy('tag')
        .execute();
      return { items: rows.map((r) => ({ tag: r.tag })) };
    },
  };

  const fieldProvenance: AccessSection = {
    key: 'field_provenance',
    tables: ['person_field_provenance'],
    portability: false,
    async collect(c) {
      const rows = await c.db
        .selectFrom('person_field_provenance')
        .selectAll()
        .where('workspace_id', '=', ws(c))
        .where('person_id', '=', c.person.id)
        .orderBy('field')
        .execute();
      return {
        items: rows.map((r) => ({
          field: r.field,
          source: r.source,
          sourceDetail: decryptOrNull(
            fieldCipher,
            c,
            r.source_detail,
            fieldProvenanceBinding(ws(c), c.person.id, r.field),
          ),
          obtainedAt: r.obtained_at,
          importId: r.import_id,
        })),
      };
    },
  };

  const rectifications: AccessSection = {
    key: 'rectifications',
    tables: ['person_rectifications'],
    portability: false,
    async collect(c) {
      const rows = await c.db
        .selectFrom('person_rectifications')
        .selectAll()
        .where('workspace_id', '=', ws(c))
        .where('person_id', '=', c.person.id)
        .orderBy('changed_at')
        .orderBy('version')
        .execute();
      return {
        items: rows.map((r) => {
          const old = decryptOrNull(
            fieldCipher,
            c,
            r.old_values,
            rectificationBinding(ws(c), r.id, 'old_values'),
          );
          return {
            id: r.id,
            changedAt: r.changed_at,
            version: r.version,
            fields: JSON.parse(r.fields) as string[],
            oldValues: old === null ? null : (JSON.parse(old) as Record<string, unknown>),
            reason: decryptOrNull(fieldCipher, c, r.reason, rectificationBinding(ws(c), r.id, 'reason')),
            changedBy: r.actor_type,
          };
        }),
      };
    },
  };

  const sources: AccessSection = {
    key: 'sources',
    tables: ['persons'],
    portability: false,
    async collect(c) {
      return {
        items: [
          {
            source: c.person.source,
            sourceDetail: decryptOrNull(
              fieldCipher,
              c,
              c.person.source_detail,
              personBinding(ws(c), c.person.id, 'sourceDetail'),
            ),
            obtainedAt: c.person.obtained_at,
            importId: c.person.import_id,
          },
        ],
      };
    },
  };

  const imports: AccessSection = {
    key: 'imports',
    tables: ['imports'],
    portability: false,
    async collect(c) {
      const fromFields = await c.db
        .selectFrom('person_field_provenance')
        .select('import_id')
        .where('workspace_id', '=', ws(c))
        .where('person_id', '=', c.person.id)
        .where('import_id', 'is not', null)
        .execute();
      const ids = [
        ...new Set(
          [c.person.import_id, ...fromFields.map((r) => r.import_id)].filter(
            (id): id is string => id !== null,
          ),
        ),
      ];
      if (ids.length === 0) return { items: [] };
      const rows = await c.db
        .selectFrom('imports')
        .select(['id', 'source', 'purpose', 'status', 'created_at', 'finished_at'])
        .where('workspace_id', '=', ws(c))
        .where('id', 'in', ids)
        .orderBy('created_at')
        .execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          source: r.source,
          purpose: r.purpose,
          status: r.status,
          importedAt: r.created_at,
          finishedAt: r.finished_at,
        })),
      };
    },
  };

  return [person, contactPoints, tags, fieldProvenance, rectifications, sources, imports];
}
