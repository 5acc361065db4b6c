import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { normaliseEmail, normalisePhone, type BlindIndex } from '../../kernel/crypto/blind-index.ts';
import type { FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { KeyService } from '../../kernel/crypto/key-service.ts';
import { personBinding } from '../../kernel/people/person-fields.ts';
import { contactPointBinding } from '../../kernel/people/person-rows.ts';

export interface PersonMatchDeps {
  readonly keys: KeyService;
  readonly fieldCipher: FieldCipher;
  readonly blindIndex: BlindIndex;
}

/**
 * The people of a workspace (not erased, not being erased) holding `email` among their emails, found the way the
 * people lookup finds them: candidates through the truncated blind index, each candidate's values decrypted and
 * compared, false positives dropped. No gate: the request inbox matches for the person's own request and never shows
 * the result to the requester.
 *
 * @example
 * const ids = await matchPeopleByEmail(deps, trx, workspaceId, 'ada@example.com'); // ['3f0c…'] or []
 */
export function matchPeopleByEmail(
  deps: PersonMatchDeps,
  db: Kysely<Database>,
  workspaceId: string,
  email: string,
): Promise<string[]> {
  return matchPeopleByContact(deps, db, workspaceId, 'email', email);
}

/**
 * The people of a workspace (not erased, not being erased) holding the phone number `phone` (E.164) among their
 * phones, found like `matchPeopleByEmail` through the `phone` blind index. People's phones are stored in E.164
 * (`cleanPhone`), so a number typed in international form on the portal finds them.
 *
 * @example
 * const ids = await matchPeopleByPhone(deps, trx, workspaceId, '+447700900123'); // ['3f0c…'] or []
 */
export function matchPeopleByPhone(
  deps: PersonMatchDeps,
  db: Kysely<Database>,
  workspaceId: string,
  phone: string,
): Promise<string[]> {
  return matchPeopleByContact(deps, db, workspaceId, 'phone', phone);
}

const normalisers = { email: normaliseEmail, phone: normalisePhone } as const;

async function matchPeopleByContact(
  deps: PersonMatchDeps,
  db: Kysely<Database>,
  workspaceId: string,
  kind: 'email' | 'phone',
  value: string,
): Promise<string[]> {
  const normalise = normalisers[kind];
  const wanted = normalise(value);
  const hash = deps.blindIndex.compute(workspaceId, kind, value, kind);
  const candidates = await db
    .selectFrom('person_blind_indexes as b')
    .innerJoin('persons as p', 'p.id', 'b.person_id')
    .select(['p.id', `p.${kind} as stored`])
    .where('b.workspace_id', '=', workspaceId)
    .where('b.field', '=', kind)
    .where('b.hash', '=', hash)
    .where('p.workspace_id', '=', workspaceId)
    .where('p.erased_at', 'is', null)
    .where('p.erasing_run_id', 'is', null)
    .execute();
  if (candidates.length === 0) return [];
  const ids = [...new Set(candidates.map((c) => c.id))];
  const keys = await deps.keys.getDataKeys(db, workspaceId, ids);
  const points = await db
    .selectFrom('person_contact_points')
    .select(['id', 'person_id', 'value'])
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', kind)
    .where('person_id', 'in', ids)
    .execute();
  const hit = new Set<string>();
  for (const p of points) {
    const key = keys.get(p.person_id);
    if (
      key &&
      normalise(deps.fieldCipher.decrypt(key, p.value, contactPointBinding(workspaceId, p.id))) === wanted
    )
      hit.add(p.person_id);
  }
  // People stored before contact points (migration 0020) hold their one email and phone in `persons` only.
  const withPoints = new Set(points.map((p) => p.person_id));
  for (const c of candidates) {
    const key = keys.get(c.id);
    if (withPoints.has(c.id) || !key || !c.stored) continue;
    if (normalise(deps.fieldCipher.decrypt(key, c.stored, personBinding(workspaceId, c.id, kind))) === wanted)
      hit.add(c.id);
  }
  return ids.filter((id) => hit.has(id));
}
