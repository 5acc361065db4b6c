/** Tables of the consent area (migration 0014_consent_records; `consent_events` is the kernel's, extended there). */
export interface ConsentTables {
  consent_records: ConsentRecordTable;
  privacy_notices: PrivacyNoticeTable;
  notice_versions: NoticeVersionTable;
}

/** The current state of one person's consent for one purpose (ISO/IEC TS 27560 record); events in `consent_events`. */
export interface ConsentRecordTable {
  id: string;
  workspace_id: string;
  person_id: string;
  purpose_key: string;
  /** Latest DPV state (`src/consent/records/consent-types.ts`). */
  state: string;
  /** Method of the latest event. */
  method: string;
  notice_version_id: string | null;
  jurisdiction: string;
  /** First event. */
  first_at: string;
  updated_at: string;
  /** End of validity of the latest `given`/`renewed`, or null. */
  expires_at: string | null;
  renewal_reminded_at: string | null;
}

/** A privacy notice: one per purpose and language; its text lives in versions. */
export interface PrivacyNoticeTable {
  id: string;
  workspace_id: string;
  purpose_key: string;
  /** BCP 47 language tag (`en`, `fr`, `de-CH`). */
  language: string;
  created_at: string;
}

/** One version of a notice: `draft` (editable), `published` (immutable, public URL), `retired`. */
export interface NoticeVersionTable {
  id: string;
  workspace_id: string;
  notice_id: string;
  version: number;
  status: 'draft' | 'published' | 'retired';
  title: string;
  /** Markdown source. */
  markdown: string;
  /** SHA-256 hex of title and Markdown, fixed at publication (what a consent's evidence points to). */
  digest: string | null;
  /** Version of the purpose the notice describes, at publication. */
  purpose_version: number | null;
  created_at: string;
  updated_at: string;
  published_at: string | null;
  published_by: string | null;
}
