import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { deriveKey } from '../crypto/key-files.ts';
import type { KeptHolding } from './erasure-exceptions.ts';

/** What set an erasure off. */
export const erasureTriggers = ['admin_delete', 'request', 'retention'] as const;
export type ErasureTrigger = (typeof erasureTriggers)[number];

/** Evidence of an erasure: ids, time, scope, key id, steps done and what was kept with the reason. No personal data. */
export interface ErasureCertificate {
  readonly id: string;
  readonly runId: string;
  readonly subjectPseudonym: string;
  readonly trigger: ErasureTrigger;
  readonly scope: { readonly entity: 'person'; readonly fields: string[]; readonly erasers: string[] };
  /** The destroyed data key (crypto-shredding), cited by the shred journal. */
  readonly keyId: string | null;
  readonly steps: string[];
  readonly kept: KeptHolding[];
  readonly issuedAt: string;
  /** Hex HMAC-SHA256 of the other fields, under a key derived from the server secret. */
  readonly signature: string;
}

export type UnsignedCertificate = Omit<ErasureCertificate, 'signature'>;

function canonical(c: UnsignedCertificate): string {
  return JSON.stringify([
    'custodian-erasure-certificate-v1',
    c.id,
    c.runId,
    c.subjectPseudonym,
    c.trigger,
    c.scope,
    c.keyId,
    c.steps,
    c.kept,
    c.issuedAt,
  ]);
}

/**
 * Signs and verifies certificates with a key derived from the server secret, so a certificate read back later can be
 * shown not to have been edited in the database.
 *
 * @example
 * const signer = createCertificateSigner(keyFiles.serverSecret);
 * const cert = signer.sign(unsigned);
 * signer.verify(cert); // true
 */
export function createCertificateSigner(serverSecret: Buffer): {
  sign(c: UnsignedCertificate): ErasureCertificate;
  /**
   * Signs many certificates sharing trigger, scope, steps, kept and issue time (a batched erasure): the shared part
   * of the canonical form is serialised once. Same signatures as `sign` on each.
   */
  signMany(
    shared: Pick<UnsignedCertificate, 'trigger' | 'scope' | 'steps' | 'kept' | 'issuedAt'>,
    items: readonly Pick<UnsignedCertificate, 'id' | 'runId' | 'subjectPseudonym' | 'keyId'>[],
  ): ErasureCertificate[];
  verify(c: ErasureCertificate): boolean;
} {
  const key = deriveKey(serverSecret, 'erasure-certificate');
  const mac = (c: UnsignedCertificate) => createHmac('sha256', key).update(canonical(c)).digest('hex');
  return {
    sign: (c) => ({ ...c, signature: mac(c) }),
    signMany(shared, items) {
      // JSON.stringify of an array is its elements' serialisations joined by commas: the same bytes as `canonical`.
      const trigger = JSON.stringify(shared.trigger);
      const tail = `${JSON.stringify(shared.steps)},${JSON.stringify(shared.kept)},${JSON.stringify(shared.issuedAt)}]`;
      const scope = JSON.stringify(shared.scope);
      return items.map((i) => {
        const text = `["custodian-erasure-certificate-v1",${JSON.stringify(i.id)},${JSON.stringify(i.runId)},${JSON.stringify(i.subjectPseudonym)},${trigger},${scope},${JSON.stringify(i.keyId)},${tail}`;
        return { ...shared, ...i, signature: createHmac('sha256', key).update(text).digest('hex') };
      });
    },
    verify: (c) => {
      const { signature, ...rest } = c;
      const expected = Buffer.from(mac(rest), 'hex');
      const given = Buffer.from(signature, 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

/** Row of `erasure_certificates` for a certificate. */
export function certificateRow(workspaceId: string, c: ErasureCertificate): Database['erasure_certificates'] {
  return {
    id: c.id,
    workspace_id: workspaceId,
    run_id: c.runId,
    subject_pseudonym: c.subjectPseudonym,
    trigger: c.trigger,
    scope: JSON.stringify(c.scope),
    key_id: c.keyId,
    steps: JSON.stringify(c.steps),
    kept: JSON.stringify(c.kept),
    issued_at: c.issuedAt,
    signature: c.signature,
  };
}

function fromRow(row: Database['erasure_certificates']): ErasureCertificate {
  return {
    id: row.id,
    runId: row.run_id,
    subjectPseudonym: row.subject_pseudonym,
    trigger: row.trigger as ErasureTrigger,
    scope: JSON.parse(row.scope) as ErasureCertificate['scope'],
    keyId: row.key_id,
    steps: JSON.parse(row.steps) as string[],
    kept: JSON.parse(row.kept) as KeptHolding[],
    issuedAt: row.issued_at,
    signature: row.signature,
  };
}

/**
 * One certificate of the workspace; `NOT_FOUND` for an unknown id or another workspace's.
 *
 * @example
 * const cert = await getCertificateOrThrow(db, workspaceId, id);
 */
export async function getCertificateOrThrow(db: Kysely<Database>, workspaceId: string, id: string): Promise<ErasureCertificate> {
  const row = await db
    .selectFrom('erasure_certificates')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', { resource: 'erasure_certificate' });
  return fromRow(row);
}

/** Cursor of a certificate list position (issue time and id; no personal data). */
function encodeCursor(issuedAt: string, id: string): string {
  return Buffer.from(JSON.stringify([issuedAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return [value[0], value[1]];
    }
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION_FAILED', { detail: 'The cursor is not valid', errors: [{ path: '/cursor', message: 'invalid cursor' }] });
}

/**
 * Certificates, newest first, `limit` per page.
 *
 * @example
 * const { items, nextCursor } = await listCertificates(db, workspaceId, { limit: 50 });
 */
export async function listCertificates(
  db: Kysely<Database>,
  workspaceId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: ErasureCertificate[]; nextCursor: string | null }> {
  let query = db.selectFrom('erasure_certificates').selectAll().where('workspace_id', '=', workspaceId);
  if (page.cursor) {
    const [at, id] = decodeCursor(page.cursor);
    query = query.where((eb) => eb.or([eb('issued_at', '<', at), eb.and([eb('issued_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await query.orderBy('issued_at', 'desc').orderBy('id', 'desc').limit(page.limit + 1).execute();
  const items = rows.slice(0, page.limit).map(fromRow);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > page.limit && last ? encodeCursor(last.issuedAt, last.id) : null };
}
