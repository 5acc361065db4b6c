import type { Db } from '../db/database.ts';
import type { Catalogue } from '../kernel/catalogue/create-catalogue.ts';
import type { Clock } from '../kernel/clock.ts';
import type { FieldCipher } from '../kernel/crypto/field-cipher.ts';
import type { KeyService } from '../kernel/crypto/key-service.ts';
import type { PurposeRegister } from '../kernel/purposes/purpose-register.ts';
import type { StandingService } from '../kernel/standing/standing-service.ts';
import { createGpcService, type GpcService } from './gpc/gpc-service.ts';
import { createNoticeService, type NoticeService } from './notices/notice-service.ts';
import { createReceiptService, type ReceiptService } from './receipts/receipt-service.ts';
import type { PrivacyEvents } from '../kernel/events/privacy-events.ts';
import { createConsentService } from './records/create-consent-service.ts';
import type { ConsentService } from './records/consent-service.ts';

/** The services of the consent area, as `AppServices` carries them. */
export interface ConsentArea {
  /** Consent records (ISO/IEC TS 27560): the one way consent is recorded. */
  readonly consent: ConsentService;
  /** Privacy notices per purpose and language, versioned; published versions are immutable. */
  readonly notices: NoticeService;
  /** Signed consent receipts (JWS, Ed25519 per workspace). */
  readonly receipts: ReceiptService;
  /** Global Privacy Control. */
  readonly gpc: GpcService;
}

/**
 * @example
 * const consentArea = createConsentArea({ db, clock, keys, fieldCipher, purposes, catalogue, standing, keysDir, baseUrl });
 */
export function createConsentArea(deps: {
  readonly db: Db;
  readonly clock: Clock;
  readonly keys: KeyService;
  readonly fieldCipher: FieldCipher;
  readonly purposes: PurposeRegister;
  readonly catalogue: Catalogue;
  readonly standing: StandingService;
  readonly keysDir: string;
  readonly baseUrl: string;
  /** Privacy events hub: every consent event emits `consent.changed`. */
  readonly events?: PrivacyEvents;
}): ConsentArea {
  const base = { dialect: deps.db.dialect, clock: deps.clock };
  const notices = createNoticeService({ ...base, purposes: deps.purposes });
  const consent = createConsentService({ ...base, ...(deps.events ? { events: deps.events } : {}), purposes: deps.purposes, catalogue: deps.catalogue, keys: deps.keys, fieldCipher: deps.fieldCipher, notices });
  const receipts = createReceiptService({ keysDir: deps.keysDir, consent, notices, purposes: deps.purposes, catalogue: deps.catalogue, baseUrl: deps.baseUrl });
  const gpc = createGpcService({ consent, standing: deps.standing, purposes: deps.purposes, catalogue: deps.catalogue });
  return { consent, notices, receipts, gpc };
}
