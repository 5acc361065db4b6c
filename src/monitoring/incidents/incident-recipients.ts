import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { KeyService } from '../../kernel/crypto/key-service.ts';
import type { Gate } from '../../kernel/gate/create-gate.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';
import { createPersonViews } from '../../kernel/people/person-views.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import { subjectDigest } from '../../kernel/gate/subject-digest.ts';
import { bulkDigests, identifiedPseudonyms } from './affected-scope.ts';
import type { Incident } from './incident-types.ts';

/** How a person can be reached, without the address itself. */
export type Channel = 'email' | 'phone' | 'post' | 'none';

/** Whom to tell (Art. 34): pseudonyms and channels only; contact details need the gated export. */
export interface RecipientList {
  readonly recipients: readonly { readonly pseudonym: string; readonly channel: Channel }[];
  /** People named in the entries who were erased since (nothing left to send to). */
  readonly erased: number;
  /** People the approximate count includes but bulk operations did not name (a public communication may be needed). */
  readonly unlisted: number;
}

/** A row of the export for sending (contact details decrypted through the gate). */
export interface RecipientContact {
  readonly pseudonym: string;
  readonly channel: Channel;
  readonly name: string;
  readonly email: string;
  readonly phone: string;
}

export interface IncidentRecipientsDeps {
  readonly keys: Pick<KeyService, 'getDataKeys'>;
  readonly fieldCipher: FieldCipher;
  readonly gate: Gate;
  readonly purposes: Pick<PurposeRegister, 'find'>;
}

const chunk = 500;

/** Above this many people stored, bulk operations are not matched against the whole workspace (memory, time). */
const wholeWorkspaceLimit = 200_000;

type PersonRow = Database['persons'];

async function personRows(
  db: Kysely<Database>,
  workspaceId: string,
  pseudonyms: readonly string[],
): Promise<PersonRow[]> {
  const rows: PersonRow[] = [];
  for (let i = 0; i < pseudonyms.length; i += chunk) {
    rows.push(
      ...(await db
        .selectFrom('persons')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('pseudonym', 'in', pseudonyms.slice(i, i + chunk))
        .execute()),
    );
  }
  return rows;
}

async function channelsOf(
  db: Kysely<Database>,
  workspaceId: string,
  rows: readonly PersonRow[],
): Promise<Map<string, Channel>> {
  const kinds = new Map<string, Set<string>>();
  const ids = rows.map((r) => r.id);
  for (let i = 0; i < ids.length; i += chunk) {
    const points = await db
      .selectFrom('person_contact_points')
      .select(['person_id', 'kind'])
      .where('workspace_id', '=', workspaceId)
      .where('person_id', 'in', ids.slice(i, i + chunk))
      .execute();
    for (const p of points) kinds.set(p.person_id, (kinds.get(p.person_id) ?? new Set()).add(p.kind));
  }
  return new Map(
    rows.map((r) => {
      const k = kinds.get(r.id) ?? new Set();
      const channel: Channel =
        r.email || k.has('email')
          ? 'email'
          : r.phone || k.has('phone')
            ? 'phone'
            : r.address
              ? 'post'
              : 'none';
      return [r.id, channel];
    }),
  );
}

/**
 * Who must be told of an incident: the people the involved accounts' audit entries name (by pseudonym), with the
 * channel that can reach them. The API returns pseudonyms and channels only; `exportContacts` decrypts the contact
 * details through the gate under a legal-obligation purpose (Art. 34 is a legal obligation, Art. 6(1)(c)), in one
 * audited export.
 *
 * @example
 * const recipients = createIncidentRecipients({ keys, fieldCipher, gate, purposes });
 * const list = await recipients.list(db, incident, workspaceId);
 */
export function createIncidentRecipients(deps: IncidentRecipientsDeps) {
  const views = createPersonViews({ fieldCipher: deps.fieldCipher });

  /**
   * The pseudonyms the entries name, plus everyone when a bulk operation covered exactly the people stored (its digest
   * equals the digest of all their ids, living or all): the usual shape of a mass export. Other bulk operations stay
   * unnamed (`unlisted`).
   */
  async function named(db: Kysely<Database>, workspaceId: string, incident: Incident) {
    const window = {
      workspaceId,
      actors: incident.involvedActors,
      from: incident.occurredFrom,
      to: incident.occurredTo ?? incident.scope?.window.to ?? incident.updatedAt,
    };
    const pseudonyms = new Set(await identifiedPseudonyms(db, window));
    const digests = await bulkDigests(db, window);
    let resolvedBulk = 0;
    if (digests.size > 0) {
      const { n } = await db
        .selectFrom('persons')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirstOrThrow();
      if (Number(n) <= wholeWorkspaceLimit) {
        const everyone = await db
          .selectFrom('persons')
          .select(['id', 'pseudonym', 'erased_at'])
          .where('workspace_id', '=', workspaceId)
          .execute();
        const living = everyone.filter((p) => p.erased_at === null);
        for (const set of [living, everyone]) {
          if (digests.has(subjectDigest(set.map((p) => p.id)))) {
            set.forEach((p) => pseudonyms.add(p.pseudonym));
            resolvedBulk += 1;
            break;
          }
        }
      }
    }
    const list = [...pseudonyms].sort();
    const rows = (await personRows(db, workspaceId, list)).sort((a, b) =>
      a.pseudonym.localeCompare(b.pseudonym),
    );
    return { pseudonyms: list, live: rows.filter((r) => r.erased_at === null), resolvedBulk };
  }

  return {
    async list(db: Kysely<Database>, workspaceId: string, incident: Incident): Promise<RecipientList> {
      const { pseudonyms, live } = await named(db, workspaceId, incident);
      const channels = await channelsOf(db, workspaceId, live);
      const erased = pseudonyms.length - live.length;
      return {
        recipients: live.map((r) => ({ pseudonym: r.pseudonym, channel: channels.get(r.id) ?? 'none' })),
        erased,
        unlisted: Math.max(0, (incident.effective.people ?? 0) - pseudonyms.length),
      };
    },

    /** Contact details for sending the Art. 34 letters; `NO_LAWFUL_BASIS` unless the purpose's basis is a legal obligation. */
    async exportContacts(
      db: Kysely<Database>,
      ctx: ProcessingContext,
      incident: Incident,
    ): Promise<RecipientContact[]> {
      const purpose = await deps.purposes.find(db, ctx.workspaceId, ctx.purpose);
      if (!purpose || purpose.lawfulBasis !== 'legal_obligation') {
        throw new AppError('NO_LAWFUL_BASIS', {
          detail:
            'Contact details for breach letters are exported only under a purpose whose lawful basis is a legal obligation (Custodian-Purpose header)',
          purpose: ctx.purpose,
        });
      }
      const { live } = await named(db, ctx.workspaceId, incident);
      if (live.length === 0) return [];
      const names = ['firstName', 'lastName', 'email', 'phone'] as const;
      await deps.gate.check(db, ctx, {
        personIds: live.map((r) => r.id),
        operation: 'export',
        attributes: { entity: 'person', names },
        pseudonyms: new Map(live.map((r) => [r.id, r.pseudonym])),
        allowedEntry: {
          action: 'incident.recipients_export',
          resourceId: incident.id,
          subjectPseudonym: live.length === 1 ? (live[0]?.pseudonym ?? null) : null,
          details: { incident: incident.reference },
        },
      });
      const channels = await channelsOf(db, ctx.workspaceId, live);
      const keys = await deps.keys.getDataKeys(
        db,
        ctx.workspaceId,
        live.map((r) => r.id),
      );
      const loaded = await views.load(db, live, keys, [...names]);
      return loaded.map((v) => ({
        pseudonym: v.pseudonym,
        channel: channels.get(v.id) ?? 'none',
        name: [v.firstName, v.lastName].filter(Boolean).join(' '),
        email: v.emails.find((e) => e.primary)?.value ?? v.emails[0]?.value ?? v.email ?? '',
        phone: v.phones.find((p) => p.primary)?.value ?? v.phones[0]?.value ?? v.phone ?? '',
      }));
    },
  };
}

export type IncidentRecipients = ReturnType<typeof createIncidentRecipients>;
