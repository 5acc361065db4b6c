import type { Db } from '../../db/database.ts';
import { AppError, isAppError } from '../../errors.ts';
import { normalisers, normaliseText } from '../../kernel/crypto/blind-index.ts';
import type { Gate } from '../../kernel/gate/create-gate.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';
import { personBinding } from '../../kernel/people/person-fields.ts';
import { contactKinds, findByContact, type ContactKind, type FindByContactDeps } from './find-by-contact.ts';

/** Why two people look like one. */
export type DuplicateReason = ContactKind | 'name_in_organization';

/** A possible duplicate of a candidate: ids and reasons, never a value (read the person through the people API). */
export interface PossibleDuplicate {
  readonly personId: string;
  readonly pseudonym: string;
  readonly reasons: DuplicateReason[];
}

/** The values a duplicate check compares (plaintext, in memory for the call only). */
export interface DuplicateCandidate {
  readonly email?: string | undefined;
  readonly phone?: string | undefined;
  readonly firstName?: string | undefined;
  readonly lastName?: string | undefined;
  readonly organizationId?: string | undefined;
}

/** Two people sharing an identifier. */
export interface SuspectedPair {
  readonly a: { readonly id: string; readonly pseudonym: string };
  readonly b: { readonly id: string; readonly pseudonym: string };
  readonly reasons: DuplicateReason[];
}

export interface DuplicateService {
  /** Existing people who may be the candidate: same email or phone (blind index), same name in the same organization. */
  check(ctx: ProcessingContext, candidate: DuplicateCandidate): Promise<PossibleDuplicate[]>;
  /**
   * Pairs of people sharing an email or a phone (`by: 'contact'`, a page of identifier groups at a time), or the same
   * name within an organization (`by: 'name'`, a page of organizations at a time).
   */
  pairs(ctx: ProcessingContext, page: { by?: 'contact' | 'name'; limit: number; cursor?: string | undefined }): Promise<{ items: SuspectedPair[]; nextCursor: string | null }>;
}

const personLevelRefusals: ReadonlySet<string> = new Set(['OBJECTED', 'RESTRICTED', 'CONSENT_MISSING']);
const searched = { entity: 'person', names: ['firstName', 'lastName', 'email', 'phone'] };

function fullName(first: string | null, last: string | null): string {
  return normaliseText(`${first ?? ''} ${last ?? ''}`);
}

function decodeCursor(cursor: string): [string, string] {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^(email|phone):([0-9a-f]{1,64})$/.exec(text);
  if (!m) throw new AppError('VALIDATION_FAILED', { detail: 'The cursor is not valid', errors: [{ path: '/cursor', message: 'invalid cursor' }] });
  return [m[1]!, m[2]!];
}

/**
 * Duplicate detection over encrypted people: the blind index finds candidates, decryption confirms them, and the
 * processing gate is run (operation `search`) on the people a result names before it is answered.
 *
 * @example
 * const duplicates = createDuplicateService({ db, gate, blindIndex, keys, fieldCipher });
 * await duplicates.check(ctx, { email: 'ada@example.com' }); // [{ personId, pseudonym, reasons: ['email'] }]
 */
export function createDuplicateService(deps: FindByContactDeps & { readonly db: Db; readonly gate: Gate }): DuplicateService {
  const kysely = deps.db.kysely;
  return {
    async check(ctx, candidate) {
      const found = new Map<string, { pseudonym: string; reasons: Set<DuplicateReason> }>();
      const [byContact = []] = await findByContact(deps, kysely, ctx.workspaceId, [{ email: candidate.email, phone: candidate.phone }]);
      for (const m of byContact) found.set(m.personId, { pseudonym: m.pseudonym, reasons: new Set(m.reasons) });

      const name = fullName(candidate.firstName ?? null, candidate.lastName ?? null);
      if (candidate.organizationId && name !== '') {
        const rows = await kysely
          .selectFrom('persons')
          .select(['id', 'pseudonym', 'first_name', 'last_name'])
          .where('workspace_id', '=', ctx.workspaceId)
          .where('organization_id', '=', candidate.organizationId)
          .where('erased_at', 'is', null)
          .where('erasing_run_id', 'is', null)
          .limit(5000)
          .execute();
        const keys = await deps.keys.getDataKeys(kysely, ctx.workspaceId, rows.map((r) => r.id));
        for (const r of rows) {
          const key = keys.get(r.id);
          if (!key) continue;
          const first = r.first_name ? deps.fieldCipher.decrypt(key, r.first_name, personBinding(ctx.workspaceId, r.id, 'firstName')) : null;
          const last = r.last_name ? deps.fieldCipher.decrypt(key, r.last_name, personBinding(ctx.workspaceId, r.id, 'lastName')) : null;
          if (fullName(first, last) !== name) continue;
          const entry = found.get(r.id) ?? { pseudonym: r.pseudonym, reasons: new Set<DuplicateReason>() };
          entry.reasons.add('name_in_organization');
          found.set(r.id, entry);
        }
      }
      const ids = [...found.keys()];
      await deps.gate.check(kysely, ctx, { personIds: ids, operation: 'search', attributes: searched, pseudonyms: new Map(ids.map((id) => [id, found.get(id)!.pseudonym])) });
      return ids.map((personId) => {
        const entry = found.get(personId)!;
        const order: DuplicateReason[] = ['email', 'phone', 'name_in_organization'];
        return { personId, pseudonym: entry.pseudonym, reasons: order.filter((r) => entry.reasons.has(r)) };
      });
    },

    async pairs(ctx, page) {
      if (page.by === 'name') return namePairs(ctx, page);
      let query = kysely
        .selectFrom('person_blind_indexes as b')
        .innerJoin('persons as p', (j) => j.onRef('p.id', '=', 'b.person_id').onRef('p.workspace_id', '=', 'b.workspace_id'))
        .select(['b.field', 'b.hash'])
        .where('b.workspace_id', '=', ctx.workspaceId)
        .where('b.field', 'in', [...contactKinds])
        .where('p.erased_at', 'is', null)
        .where('p.erasing_run_id', 'is', null)
        .groupBy(['b.field', 'b.hash'])
        .having((eb) => eb.fn.countAll(), '>', 1);
      if (page.cursor) {
        const [field, hash] = decodeCursor(page.cursor);
        const after = Buffer.from(hash, 'hex');
        query = query.where((eb) => eb.or([eb('b.field', '>', field), eb.and([eb('b.field', '=', field), eb('b.hash', '>', after)])]));
      }
      const groups = await query.orderBy('b.field').orderBy('b.hash').limit(page.limit + 1).execute();
      const pageGroups = groups.slice(0, page.limit);
      const pairs = new Map<string, SuspectedPair & { reasons: DuplicateReason[] }>();
      for (const g of pageGroups) {
        const members = await kysely
          .selectFrom('person_blind_indexes as b')
          .innerJoin('persons as p', (j) => j.onRef('p.id', '=', 'b.person_id').onRef('p.workspace_id', '=', 'b.workspace_id'))
          .select(['p.id', 'p.pseudonym', 'p.email', 'p.phone'])
          .where('b.workspace_id', '=', ctx.workspaceId)
          .where('b.field', '=', g.field)
          .where('b.hash', '=', g.hash)
          .where('p.erased_at', 'is', null)
          .where('p.erasing_run_id', 'is', null)
          .orderBy('p.id')
          .execute();
        // The index is truncated: the true groups are those of equal decrypted values (primary or secondary).
        const kind = g.field as ContactKind;
        const keys = await deps.keys.getDataKeys(kysely, ctx.workspaceId, members.map((m) => m.id));
        const byValue = new Map<string, { id: string; pseudonym: string }[]>();
        for (const m of members) {
          const key = keys.get(m.id);
          const envelope = m[kind];
          if (!key || !envelope) continue;
          const value = normalisers[kind](deps.fieldCipher.decrypt(key, envelope, personBinding(ctx.workspaceId, m.id, kind)));
          byValue.set(value, [...(byValue.get(value) ?? []), { id: m.id, pseudonym: m.pseudonym }]);
        }
        for (const same of byValue.values()) {
          for (let i = 0; i < same.length; i += 1) {
            for (let j = i + 1; j < same.length; j += 1) {
              const key = `${same[i]!.id}|${same[j]!.id}`;
              const pair = pairs.get(key) ?? { a: same[i]!, b: same[j]!, reasons: [] };
              if (!pair.reasons.includes(kind)) pair.reasons.push(kind);
              pairs.set(key, pair);
            }
          }
        }
      }
      const last = pageGroups[pageGroups.length - 1];
      const nextCursor = groups.length > page.limit && last ? Buffer.from(`${last.field}:${Buffer.from(last.hash).toString('hex')}`).toString('base64url') : null;
      return { items: await allowedPairs(ctx, [...pairs.values()]), nextCursor };
    },
  };

  /** Pairs of people with the same normalised first and last name in the same organization, a page of organizations. */
  async function namePairs(ctx: ProcessingContext, page: { limit: number; cursor?: string | undefined }) {
    let query = kysely
      .selectFrom('persons')
      .select('organization_id')
      .where('workspace_id', '=', ctx.workspaceId)
      .where('organization_id', 'is not', null)
      .where('erased_at', 'is', null)
      .where('erasing_run_id', 'is', null)
      .groupBy('organization_id')
      .having((eb) => eb.fn.countAll(), '>', 1);
    if (page.cursor) {
      const after = Buffer.from(page.cursor, 'base64url').toString('utf8');
      if (!/^org:.{1,64}$/s.test(after)) throw new AppError('VALIDATION_FAILED', { detail: 'The cursor is not valid', errors: [{ path: '/cursor', message: 'invalid cursor' }] });
      query = query.where('organization_id', '>', after.slice(4));
    }
    const orgs = await query.orderBy('organization_id').limit(page.limit + 1).execute();
    const pageOrgs = orgs.slice(0, page.limit).map((o) => o.organization_id as string);
    const pairs: (SuspectedPair & { reasons: DuplicateReason[] })[] = [];
    for (const org of pageOrgs) {
      const rows = await kysely
        .selectFrom('persons')
        .select(['id', 'pseudonym', 'first_name', 'last_name'])
        .where('workspace_id', '=', ctx.workspaceId)
        .where('organization_id', '=', org)
        .where('erased_at', 'is', null)
        .where('erasing_run_id', 'is', null)
        .orderBy('id')
        .limit(5000)
        .execute();
      const keys = await deps.keys.getDataKeys(kysely, ctx.workspaceId, rows.map((r) => r.id));
      const byName = new Map<string, { id: string; pseudonym: string }[]>();
      for (const r of rows) {
        const key = keys.get(r.id);
        if (!key) continue;
        const first = r.first_name ? deps.fieldCipher.decrypt(key, r.first_name, personBinding(ctx.workspaceId, r.id, 'firstName')) : null;
        const last = r.last_name ? deps.fieldCipher.decrypt(key, r.last_name, personBinding(ctx.workspaceId, r.id, 'lastName')) : null;
        const name = fullName(first, last);
        if (name === '') continue;
        byName.set(name, [...(byName.get(name) ?? []), { id: r.id, pseudonym: r.pseudonym }]);
      }
      for (const same of byName.values()) {
        for (let i = 0; i < same.length; i += 1) {
          for (let j = i + 1; j < same.length; j += 1) pairs.push({ a: same[i]!, b: same[j]!, reasons: ['name_in_organization'] });
        }
      }
    }
    const last = pageOrgs[pageOrgs.length - 1];
    return { items: await allowedPairs(ctx, pairs), nextCursor: orgs.length > page.limit && last ? Buffer.from(`org:${last}`).toString('base64url') : null };
  }

  /** The gate on the people a page of pairs names; pairs of people who refuse the purpose are left out. */
  async function allowedPairs<P extends SuspectedPair>(ctx: ProcessingContext, items: P[]): Promise<P[]> {
    const ids = [...new Set(items.flatMap((p) => [p.a.id, p.b.id]))];
    const pseudonyms = new Map(items.flatMap((p) => [[p.a.id, p.a.pseudonym], [p.b.id, p.b.pseudonym]] as [string, string][]));
    let allowed = items;
    try {
      await deps.gate.check(kysely, ctx, { personIds: ids, operation: 'search', attributes: searched, pseudonyms });
    } catch (error) {
      if (!isAppError(error) || !personLevelRefusals.has(error.code)) throw error;
      // Some people refuse this purpose: each pair is checked on its own and the refused ones left out.
      allowed = [];
      for (const p of items) {
        try {
          await deps.gate.check(kysely, ctx, { personIds: [p.a.id, p.b.id], operation: 'search', attributes: searched, pseudonyms });
          allowed.push(p);
        } catch (inner) {
          if (!isAppError(inner) || !personLevelRefusals.has(inner.code)) throw inner;
        }
      }
    }
    return allowed;
  }
}
