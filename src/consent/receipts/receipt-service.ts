import { CompactSign, compactVerify, decodeProtectedHeader, exportJWK, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { findDefaultCategory } from '../../kernel/catalogue/taxonomy.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import type { NoticeService } from '../notices/notice-service.ts';
import type { ConsentService } from '../records/consent-service.ts';
import type { ConsentEventView } from '../records/consent-types.ts';
import { loadReceiptSigningKey } from './receipt-signing-key.ts';

export const receiptMediaType = 'consent-receipt+jws';

/** A signed receipt: the compact JWS and the id it names. */
export interface IssuedReceipt {
  readonly receiptId: string;
  readonly jws: string;
  readonly claims: Record<string, unknown>;
}

export type ReceiptVerification =
  | { readonly valid: true; readonly workspaceId: string; readonly kid: string; readonly claims: Record<string, unknown> }
  | { readonly valid: false; readonly reason: string };

export interface ReceiptService {
  /**
   * Signs the receipt of one consent event (deterministic: Ed25519 over the same claims gives the same JWS). A caller
   * that already read the event passes it, so it is not read and decrypted again.
   */
  issue(db: Kysely<Database>, workspaceId: string, eventId: string, loaded?: ConsentEventView): Promise<IssuedReceipt>;
  /** Checks a receipt's signature against the issuing workspace's public key; never throws on bad input. */
  verify(jws: string): Promise<ReceiptVerification>;
  /** The workspace's public keys as a JWK set (empty before its first receipt). */
  publicKeys(workspaceId: string): Promise<{ keys: JWK[] }>;
}

const issuerPrefix = 'custodian:workspace:';

/**
 * Consent receipts after the Kantara Initiative Consent Receipt v1.1 with the ISO/IEC TS 27560 record fields, signed
 * as a compact JWS (EdDSA, Ed25519 key per workspace kept in the keys folder). The person is named by pseudonym only.
 *
 * @example
 * const receipts = createReceiptService({ keysDir, consent, notices, purposes, catalogue, baseUrl });
 * const { jws } = await receipts.issue(db, workspaceId, eventId);
 * (await receipts.verify(jws)).valid; // true
 */
export function createReceiptService(deps: {
  readonly keysDir: string;
  readonly consent: Pick<ConsentService, 'event'>;
  readonly notices: Pick<NoticeService, 'getPublic'>;
  readonly purposes: Pick<PurposeRegister, 'find'>;
  readonly catalogue: Pick<Catalogue, 'categoryFacts'>;
  /** Public base URL (`https://crm.example.com`), for the notice link. */
  readonly baseUrl: string;
}): ReceiptService {
  return {
    async issue(db, workspaceId, eventId, loaded) {
      const event = loaded?.id === eventId ? loaded : await deps.consent.event(db, workspaceId, eventId);
      const person = await db
        .selectFrom('consent_events as e')
        .innerJoin('persons as p', 'p.id', 'e.person_id')
        .innerJoin('workspaces as w', 'w.id', 'e.workspace_id')
        .select(['p.pseudonym', 'w.name as workspaceName'])
        .where('e.workspace_id', '=', workspaceId)
        .where('e.event_id', '=', eventId)
        .executeTakeFirstOrThrow();
      const purpose = await deps.purposes.find(db, workspaceId, event.purpose);
      const keys = [...(purpose?.requiredCategories ?? []), ...(purpose?.optionalCategories ?? [])];
      const facts = await deps.catalogue.categoryFacts(db, workspaceId, keys);
      const notice = event.noticeVersionId ? await deps.notices.getPublic(db, event.noticeVersionId).catch(() => undefined) : undefined;
      const key = loadReceiptSigningKey(deps.keysDir, workspaceId, { create: true })!;
      const claims: Record<string, unknown> = {
        version: 'KI-CR-v1.1.0',
        iss: `${issuerPrefix}${workspaceId}`,
        jurisdiction: event.jurisdiction,
        consentTimestamp: Math.floor(Date.parse(event.at) / 1000),
        collectionMethod: event.method,
        consentReceiptID: event.id,
        language: event.language ?? 'en',
        piiPrincipalId: person.pseudonym,
        piiControllers: [{ piiController: person.workspaceName, onBehalf: false }],
        policyUrl: notice?.url ? `${deps.baseUrl}${notice.url}` : null,
        services: [
          {
            service: purpose?.name ?? event.purpose,
            purposes: [
              {
                purpose: purpose?.description ?? event.purpose,
                purposeCategory: [event.purpose],
                consentType: event.explicit ? 'EXPLICIT' : 'EXPRESSED',
                piiCategory: keys.map((k) => findDefaultCategory(k)?.name ?? k),
                primaryPurpose: true,
                termination: event.expiresAt ?? `retention ${purpose?.retention ?? 'as stated in the notice'}`,
                thirdPartyDisclosure: (purpose?.recipients.length ?? 0) > 0,
                thirdPartyName: purpose?.recipients.join(', ') || null,
              },
            ],
          },
        ],
        sensitive: facts.some((f) => f.special),
        spiCat: facts.filter((f) => f.special).map((f) => f.key),
        // ISO/IEC TS 27560 record fields.
        consentRecord: {
          recordId: event.recordId,
          eventId: event.id,
          state: event.state,
          purposeVersion: event.purposeVersion,
          noticeVersionId: event.noticeVersionId,
          noticeDigest: notice?.digest ?? null,
          expiresAt: event.expiresAt,
          evidence: {
            formId: event.evidence.formId ?? null,
            formVersion: event.evidence.formVersion ?? null,
            textDigest: event.evidence.textDigest ?? null,
            confirmationTokenId: event.evidence.confirmationTokenId ?? null,
            gpc: event.evidence.gpc ?? false,
          },
        },
      };
      const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
        .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: receiptMediaType })
        .sign(key.privateKey);
      return { receiptId: event.id, jws, claims };
    },

    async verify(jws) {
      if (typeof jws !== 'string' || jws.length > 64_000 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(jws)) {
        return { valid: false, reason: 'not a compact JWS' };
      }
      let kid: string | undefined;
      let claims: Record<string, unknown>;
      try {
        kid = decodeProtectedHeader(jws).kid;
        const payload = JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8')) as unknown;
        if (typeof payload !== 'object' || payload === null) return { valid: false, reason: 'the payload is not a receipt' };
        claims = payload as Record<string, unknown>;
      } catch {
        return { valid: false, reason: 'the receipt cannot be decoded' };
      }
      const iss = typeof claims.iss === 'string' ? claims.iss : '';
      if (!iss.startsWith(issuerPrefix)) return { valid: false, reason: 'unknown issuer' };
      const workspaceId = iss.slice(issuerPrefix.length);
      let key;
      try {
        key = loadReceiptSigningKey(deps.keysDir, workspaceId, { create: false });
      } catch {
        return { valid: false, reason: 'unknown issuer' };
      }
      if (!key || key.kid !== kid) return { valid: false, reason: 'unknown signing key' };
      try {
        await compactVerify(jws, key.publicKey, { algorithms: ['EdDSA'] });
      } catch {
        return { valid: false, reason: 'the signature does not verify' };
      }
      return { valid: true, workspaceId, kid: key.kid, claims };
    },

    async publicKeys(workspaceId) {
      let key;
      try {
        key = loadReceiptSigningKey(deps.keysDir, workspaceId, { create: false });
      } catch {
        key = undefined;
      }
      if (!key) return { keys: [] };
      return { keys: [{ ...(await exportJWK(key.publicKey)), kid: key.kid, alg: 'EdDSA', use: 'sig' }] };
    },
  };
}
