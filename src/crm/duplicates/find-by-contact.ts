import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { normalisers, type BlindIndex } from '../../kernel/crypto/blind-index.ts';
import type { FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { KeyService } from '../../kernel/crypto/key-service.ts';
import { personBinding } from '../../kernel/people/person-fields.ts';

/** The identifiers a duplicate is recognised by. */
export const contactKinds = ['email', 'phone'] as const;
export type ContactKind = (typeof contactKinds)[number];

/** Identifiers of a candidate person (plaintext, held in memory for the call only). */
export type ContactProbe = Partial<Record<ContactKind, string | null | undefined>>;

/** An existing person sharing an identifier with a probe. */
export interface ContactMatch {
  readonly personId: string;
  readonly pseudonym: string;
  readonly version: number;
  /** Which identifiers are the same. */
  readonly reasons: readonly ContactKind[];
}

export interface FindByContactDeps {
  readonly blindIndex: BlindIndex;
  readonly keys: Pick<KeyService, 'getDataKeys'>;
  readonly fieldCipher: Pick<FieldCipher, 'decrypt'>;
}

const chunk = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/**
 * Existing live people of a workspace sharing an email or a phone with each probe, found through the blind index
 * (`person_blind_indexes`, fields `email` and `phone`) and confirmed by decrypting the candidates' values (the index
 * is truncated, so most candidates of a large workspace are false positives). Secondary emails and phones
 * (`person_contact_points`) count as well as the primary ones. A few queries for the whole list, whatever its size.
 * The caller runs the processing gate: this only compares, it returns no value.
 *
 * Only what can confirm a candidate is decrypted: its contact points of the kind whose index bucket it shares with a
 * probe (one decryption per candidate, not four), and its `persons` column only when it has no contact point of that
 * kind (people stored before contact points, migration 0020). Liveness, pseudonym and version are read for the
 * confirmed people alone. The importer calls this once per batch, and a batch's candidates grow with the workspace
 * (about two per thousand people per probe): this is the part of an import that is not constant per row.
 *
 * @example
 * const [matches] = await findByContact(deps, trx, workspaceId, [{ email: 'ada@example.com' }]);
 * matches[0]?.reasons; // ['email']
 */
export async function findByContact(
  deps: FindByContactDeps,
  db: Kysely<Database>,
  workspaceId: string,
  probes: readonly ContactProbe[],
): Promise<ContactMatch[][]> {
  const wanted = probes.map((probe) =>
    contactKinds.flatMap((kind) => {
      const value = probe[kind];
      const normal = typeof value === 'string' ? normalisers[kind](value) : '';
      return normal === '' ? [] : [{ kind, normal, hash: deps.blindIndex.compute(workspaceId, kind, normal, kind).toString('hex') }];
    }),
  );
  const hashes = [...new Set(wanted.flat().map((w) => w.hash))];
  if (hashes.length === 0) return probes.map(() => []);

  const indexRows: { person_id: string; field: string; hash: string }[] = [];
  for (const part of chunk(hashes, 500)) {
    // No join here: during a large import the planner's statistics lag behind, and a join was planned as a loop
    // over every person. The index lookup alone follows the primary key; live persons are filtered below.
    const rows = await db
      .selectFrom('person_blind_indexes')
      .select(['person_id', 'field', 'hash'])
      .where('workspace_id', '=', workspaceId)
      .where('field', 'in', [...contactKinds])
      .where('hash', 'in', part.map((h) => Buffer.from(h, 'hex')))
      .execute();
    for (const r of rows) indexRows.push({ person_id: r.person_id, field: r.field, hash: Buffer.from(r.hash).toString('hex') });
  }
  // The kinds each candidate shares a bucket in (an email bucket says nothing about the candidate's phone).
  const needed = new Map<string, Set<ContactKind>>();
  for (const r of indexRows) {
    if (r.field !== 'email' && r.field !== 'phone') continue;
    needed.set(r.person_id, (needed.get(r.person_id) ?? new Set<ContactKind>()).add(r.field));
  }
  const candidateIds = [...needed.keys()];
  if (candidateIds.length === 0) return probes.map(() => []);

  // Each candidate's normalised identifiers of the needed kinds, as `kind:value`.
  const values = new Map<string, Set<string>>();
  const add = (personId: string, kind: ContactKind, plain: string) =>
    values.set(personId, (values.get(personId) ?? new Set<string>()).add(`${kind}:${normalisers[kind](plain)}`));
  const keys = await deps.keys.getDataKeys(db, workspaceId, candidateIds);
  const withPoints = new Set<string>();
  for (const part of chunk(candidateIds, 500)) {
    const points = await db
      .selectFrom('person_contact_points')
      .select(['id', 'person_id', 'kind', 'value'])
      .where('workspace_id', '=', workspaceId)
      .where('person_id', 'in', part)
      .execute();
    for (const cp of points) {
      if (cp.kind !== 'email' && cp.kind !== 'phone') continue;
      withPoints.add(`${cp.person_id}:${cp.kind}`);
      const key = keys.get(cp.person_id);
      if (!key || !needed.get(cp.person_id)?.has(cp.kind)) continue;
      add(cp.person_id, cp.kind, deps.fieldCipher.decrypt(key, cp.value, { workspaceId, table: 'person_contact_points', column: 'value', rowId: cp.id }));
    }
  }
  // People stored before contact points have their one value of a kind in `persons` only.
  const legacy = candidateIds.filter((id) => [...needed.get(id)!].some((kind) => !withPoints.has(`${id}:${kind}`)));
  for (const part of chunk(legacy, 500)) {
    const persons = await db.selectFrom('persons').select(['id', 'email', 'phone']).where('workspace_id', '=', workspaceId).where('id', 'in', part).execute();
    for (const p of persons) {
      const key = keys.get(p.id);
      if (!key) continue;
      for (const kind of needed.get(p.id)!) {
        const envelope = p[kind];
        if (envelope && !withPoints.has(`${p.id}:${kind}`)) add(p.id, kind, deps.fieldCipher.decrypt(key, envelope, personBinding(workspaceId, p.id, kind)));
      }
    }
  }

  const byHash = new Map<string, string[]>();
  for (const r of indexRows) byHash.set(`${r.field}:${r.hash}`, [...(byHash.get(`${r.field}:${r.hash}`) ?? []), r.person_id]);
  const confirmed = wanted.map((probeWanted) => {
    const reasons = new Map<string, Set<ContactKind>>();
    for (const w of probeWanted) {
      for (const id of byHash.get(`${w.kind}:${w.hash}`) ?? []) {
        if (!values.get(id)?.has(`${w.kind}:${w.normal}`)) continue;
        reasons.set(id, (reasons.get(id) ?? new Set()).add(w.kind));
      }
    }
    return reasons;
  });

  // Only live people count; their pseudonym and version, for the confirmed ones only.
  const live = new Map<string, { pseudonym: string; version: number }>();
  const matchedIds = [...new Set(confirmed.flatMap((r) => [...r.keys()]))];
  for (const part of chunk(matchedIds, 500)) {
    const persons = await db
      .selectFrom('persons')
      .select(['id', 'pseudonym', 'version'])
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', part)
      .where('erased_at', 'is', null)
      .where('erasing_run_id', 'is', null)
      .execute();
    for (const p of persons) live.set(p.id, { pseudonym: p.pseudonym, version: p.version });
  }
  return confirmed.map((reasons) =>
    [...reasons].flatMap(([personId, kinds]) => {
      const entry = live.get(personId);
      return entry ? [{ personId, pseudonym: entry.pseudonym, version: entry.version, reasons: contactKinds.filter((k) => kinds.has(k)) }] : [];
    }),
  );
}
