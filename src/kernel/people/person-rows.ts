import { timeOrderedUuid } from '../../db/time-ordered-uuid.ts';
import type { Database } from '../../db/schema.ts';
import type { BlindIndex } from '../crypto/blind-index.ts';
import type { FieldBinding, FieldCipher } from '../crypto/field-cipher.ts';
import type { DataKey } from '../crypto/key-service.ts';
import { personBinding, personColumns, type PersonAttribute, type PersonColumn, type ProvenanceField } from './person-fields.ts';
import type { CleanContactPoint, CleanPersonInput, CleanProvenance } from './person-input.ts';
import { nameIndexField, nameIndexTerms } from './person-name-terms.ts';

type Row<T extends keyof Database> = Database[T];

/** The rows that store one person's contact points, blind indexes, tags and per-field provenance. */
export interface PersonDetailRows {
  readonly contactPoints: Row<'person_contact_points'>[];
  readonly blindIndexes: Row<'person_blind_indexes'>[];
  readonly tags: Row<'person_tags'>[];
  readonly provenance: Row<'person_field_provenance'>[];
}

/** The binding of a contact point's value. */
export function contactPointBinding(workspaceId: string, pointId: string): FieldBinding {
  return { workspaceId, table: 'person_contact_points', column: 'value', rowId: pointId };
}

/** The binding of a per-field provenance's free text. */
export function fieldProvenanceBinding(workspaceId: string, personId: string, field: string): FieldBinding {
  return { workspaceId, table: 'person_field_provenance', column: 'source_detail', rowId: `${personId}:${field}` };
}

/** The bindings of a rectification's old values and reason. */
export function rectificationBinding(workspaceId: string, rectificationId: string, column: 'old_values' | 'reason'): FieldBinding {
  return { workspaceId, table: 'person_rectifications', column, rowId: rectificationId };
}

/** The encrypted `persons` columns of the attributes given (null removes). */
export type EncryptedColumns = Partial<Record<PersonColumn, Buffer | null>>;

/**
 * Encrypts the builder's work for one person: attribute values into `persons` columns, and the detail rows.
 *
 * @example
 * const rows = createPersonRowBuilder({ fieldCipher, blindIndex });
 * const columns = rows.columns(key, workspaceId, personId, { firstName: 'Ada' });
 */
export function createPersonRowBuilder(deps: { readonly fieldCipher: FieldCipher; readonly blindIndex: BlindIndex }) {
  const { fieldCipher, blindIndex } = deps;

  const columns = (key: DataKey, workspaceId: string, personId: string, values: Partial<Record<PersonAttribute, string | null>>): EncryptedColumns => {
    const out: EncryptedColumns = {};
    for (const [attribute, value] of Object.entries(values) as [PersonAttribute, string | null | undefined][]) {
      if (value === undefined) continue;
      out[personColumns[attribute]] = value === null ? null : fieldCipher.encrypt(key, value, personBinding(workspaceId, personId, attribute));
    }
    return out;
  };

  const contactPoints = (key: DataKey, workspaceId: string, personId: string, kind: 'email' | 'phone', points: readonly CleanContactPoint[]) =>
    points.map((p, position) => {
      // Time-ordered: new points go at the end of the primary key's index (ADR 0032).
      const id = timeOrderedUuid();
      return { id, workspace_id: workspaceId, person_id: personId, kind, position, value: fieldCipher.encrypt(key, p.value, contactPointBinding(workspaceId, id)), label: p.label, is_primary: p.primary ? 1 : 0 };
    });

  const indexRows = (workspaceId: string, personId: string, field: string, values: readonly string[], kind: 'email' | 'phone' | 'text') => {
    const seen = new Set<string>();
    const rows: Row<'person_blind_indexes'>[] = [];
    for (const value of values) {
      const hash = blindIndex.compute(workspaceId, field, value, kind);
      const hex = hash.toString('hex');
      if (seen.has(hex)) continue;
      seen.add(hex);
      rows.push({ workspace_id: workspaceId, field, hash, person_id: personId });
    }
    return rows;
  };

  const provenanceRows = (key: DataKey, workspaceId: string, personId: string, fields: Partial<Record<ProvenanceField, CleanProvenance>>, now: string) =>
    (Object.entries(fields) as [ProvenanceField, CleanProvenance][]).map(([field, p]) => ({
      workspace_id: workspaceId,
      person_id: personId,
      field,
      source: p.source,
      source_detail: p.sourceDetail === null ? null : fieldCipher.encrypt(key, p.sourceDetail, fieldProvenanceBinding(workspaceId, personId, field)),
      obtained_at: p.obtainedAt ?? now,
      import_id: p.importId,
    }));

  return {
    columns,
    contactPoints,
    /** Blind-index rows of every email (field `email`) and phone (field `phone`). */
    contactIndexRows(workspaceId: string, personId: string, kind: 'email' | 'phone', points: readonly CleanContactPoint[]) {
      return indexRows(workspaceId, personId, kind, points.map((p) => p.value), kind);
    },
    /** Blind-index rows of the name search terms (field `name`). */
    nameIndexRows(workspaceId: string, personId: string, names: readonly (string | null | undefined)[]) {
      return indexRows(workspaceId, personId, nameIndexField, nameIndexTerms(names), 'text');
    },
    provenanceRows,
    /** Everything a new person stores besides its `persons` row. */
    detailRows(key: DataKey, workspaceId: string, personId: string, input: CleanPersonInput, now: string): PersonDetailRows {
      const emails = input.emails ?? (input.email ? [{ value: input.email, label: null, primary: true }] : []);
      const phones = input.phones ?? (input.phone ? [{ value: input.phone, label: null, primary: true }] : []);
      return {
        contactPoints: [...contactPoints(key, workspaceId, personId, 'email', emails), ...contactPoints(key, workspaceId, personId, 'phone', phones)],
        blindIndexes: [
          ...indexRows(workspaceId, personId, 'email', emails.map((p) => p.value), 'email'),
          ...indexRows(workspaceId, personId, 'phone', phones.map((p) => p.value), 'phone'),
          ...indexRows(workspaceId, personId, nameIndexField, nameIndexTerms([input.firstName, input.lastName]), 'text'),
        ],
        tags: (input.tags ?? []).map((tag) => ({ workspace_id: workspaceId, person_id: personId, tag })),
        provenance: provenanceRows(key, workspaceId, personId, input.fieldProvenance ?? {}, now),
      };
    },
  };
}

export type PersonRowBuilder = ReturnType<typeof createPersonRowBuilder>;
