import { createHash } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import type { ConsentCore, PublishedNotice } from '../forms/consent-core-ports.ts';
import { consentChannelContext } from '../forms/consent-records-purpose.ts';
import { checkboxText } from '../forms/form-types.ts';
import { requestEvidence } from '../forms/request-evidence.ts';
import type { ConsentState } from '../records/consent-types.ts';
import type { RecipientTokenRow, RecipientTokens } from './recipient-tokens.ts';

/** One consent-based purpose as the person sees it in the preference centre. */
export interface PreferenceItem {
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly state: ConsentState | 'none';
  readonly validNow: boolean;
  readonly notice: PublishedNotice | null;
}

export interface PreferenceHistoryEntry {
  readonly purpose: string;
  readonly state: ConsentState;
  readonly method: string;
  readonly at: string;
}

export interface PreferenceView {
  readonly language: string;
  readonly items: readonly PreferenceItem[];
  readonly history: readonly PreferenceHistoryEntry[];
}

/** What a request to the preference centre or the unsubscribe link brings. */
export interface LinkRequest {
  readonly ip: string;
  readonly userAgent: string | undefined;
  readonly gpc: boolean;
  readonly requestId: string;
}

export interface PreferenceCentre {
  /** The person's purposes, states and history; undefined for a forged or dead token. `Sec-GPC` applies the opt-out. */
  view(token: string, request: LinkRequest): Promise<PreferenceView | undefined>;
  /** Sets consent to exactly the ticked purposes (method `preference_centre`); undefined for a bad token. */
  update(token: string, ticked: readonly string[], request: LinkRequest): Promise<{ readonly changed: readonly string[]; readonly unavailable: readonly string[] } | undefined>;
  /** RFC 8058 one-click: withdraws the token's purposes at once (method `unsubscribe_link`); undefined for a bad token. */
  unsubscribe(token: string, request: LinkRequest): Promise<{ readonly withdrawn: readonly string[] } | undefined>;
  /** Whether a token is authentic and alive (the GET confirmation page of an unsubscribe link). */
  resolve(token: string): Promise<RecipientTokenRow | undefined>;
}

/**
 * The token-link side of withdrawal: the preference centre and the one-click unsubscribe. Both act as the system actor
 * of the `consent_records` scope; withdrawal reaches the gate at once through `consent.record`.
 *
 * @example
 * const centre = createPreferenceCentre({ db, purposes, core, recipientTokens });
 * await centre.unsubscribe(token, { ip, userAgent, gpc: false, requestId });
 */
export function createPreferenceCentre(deps: {
  readonly db: Db;
  readonly purposes: Pick<PurposeRegister, 'list'>;
  readonly core: Pick<ConsentCore, 'consent' | 'notices' | 'gpc'>;
  readonly recipientTokens: RecipientTokens;
}): PreferenceCentre {
  const kysely = deps.db.kysely;

  /** A withdrawal also cancels the person's pending double opt-in links, so a stale link cannot give consent back. */
  const cancelPendingConfirmations = (workspaceId: string, personId: string, at: string) =>
    kysely
      .updateTable('consent_confirmations')
      .set({ used_at: at })
      .where('workspace_id', '=', workspaceId)
      .where('person_id', '=', personId)
      .where('used_at', 'is', null)
      .execute();

  async function load(row: RecipientTokenRow, channel: string, request: LinkRequest) {
    const ctx = consentChannelContext(row.workspaceId, channel, { requestId: request.requestId });
    const records = await deps.core.consent.recordsOf(kysely, ctx, row.personId);
    const latest = records.flatMap((r) => r.events).sort((a, b) => b.at.localeCompare(a.at))[0];
    const language = latest?.language ?? 'en';
    const register = await deps.purposes.list(kysely, row.workspaceId);
    const items: PreferenceItem[] = [];
    for (const p of register) {
      const record = records.find((r) => r.purpose === p.key);
      const consentBased = p.lawfulBasis === 'consent' || p.art9Condition === 'explicit_consent';
      if (!consentBased || (!p.active && !record)) continue;
      items.push({
        key: p.key,
        name: p.name,
        description: p.description,
        state: record?.state ?? 'none',
        validNow: record?.validNow ?? false,
        notice: await deps.core.notices.currentPublished(kysely, row.workspaceId, p.key, language),
      });
    }
    const history = records
      .flatMap((r) => r.events.map((e) => ({ purpose: e.purpose, state: e.state, method: e.method, at: e.at })))
      .sort((a, b) => b.at.localeCompare(a.at));
    return { ctx, language, items, history, records };
  }

  return {
    resolve: (token) => deps.recipientTokens.resolve(kysely, token),

    async view(token, request) {
      const row = await deps.recipientTokens.resolve(kysely, token);
      if (!row) return undefined;
      const loaded = await load(row, 'consent-preference-centre', request);
      if (request.gpc) {
        await deps.core.gpc.apply(kysely, loaded.ctx, row.personId, requestEvidence(request));
        const again = await load(row, 'consent-preference-centre', request);
        return { language: again.language, items: again.items, history: again.history };
      }
      return { language: loaded.language, items: loaded.items, history: loaded.history };
    },

    async update(token, ticked, request) {
      const row = await deps.recipientTokens.resolve(kysely, token);
      if (!row) return undefined;
      const { ctx, language, items } = await load(row, 'consent-preference-centre', request);
      const evidence = requestEvidence(request);
      const changed: string[] = [];
      const unavailable: string[] = [];
      for (const item of items) {
        const wanted = ticked.includes(item.key);
        if (wanted && !item.validNow) {
          if (!item.notice) {
            unavailable.push(item.key);
            continue;
          }
          const textDigest = createHash('sha256').update(checkboxText({ label: item.name, noticeTitle: item.notice.title })).digest('hex');
          await deps.core.consent.record(kysely, ctx, {
            personId: row.personId,
            purpose: item.key,
            state: 'given',
            method: 'preference_centre',
            noticeVersionId: item.notice.id,
            evidence: { ...evidence, textDigest },
            language,
          });
          changed.push(item.key);
        } else if (!wanted && (item.validNow || item.state === 'requested')) {
          await deps.core.consent.record(kysely, ctx, { personId: row.personId, purpose: item.key, state: 'withdrawn', method: 'preference_centre', evidence, language });
          await cancelPendingConfirmations(row.workspaceId, row.personId, new Date().toISOString());
          changed.push(item.key);
        }
      }
      if (request.gpc) await deps.core.gpc.apply(kysely, ctx, row.personId, evidence);
      return { changed, unavailable };
    },

    async unsubscribe(token, request) {
      const row = await deps.recipientTokens.resolve(kysely, token);
      if (!row) return undefined;
      const ctx = consentChannelContext(row.workspaceId, 'consent-unsubscribe-link', { requestId: request.requestId });
      const records = await deps.core.consent.recordsOf(kysely, ctx, row.personId);
      const evidence = requestEvidence(request);
      const withdrawn: string[] = [];
      for (const purpose of row.purposes) {
        const record = records.find((r) => r.purpose === purpose);
        if (!record || !(record.validNow || record.state === 'requested')) continue;
        await deps.core.consent.record(kysely, ctx, { personId: row.personId, purpose, state: 'withdrawn', method: 'unsubscribe_link', evidence });
        withdrawn.push(purpose);
      }
      if (withdrawn.length > 0) await cancelPendingConfirmations(row.workspaceId, row.personId, new Date().toISOString());
      if (request.gpc) await deps.core.gpc.apply(kysely, ctx, row.personId, evidence);
      return { withdrawn };
    },
  };
}
