import { fieldProblem } from './calendar-date.ts';

/**
 * An opaque cursor of a keyset page: the sort key and id of the last row, base64url JSON.
 *
 * @example
 * const cursor = encodeListCursor('Mailer Inc', id);
 * decodeListCursor(cursor); // ['Mailer Inc', id]
 */
export function encodeListCursor(sortKey: string, id: string): string {
  return Buffer.from(JSON.stringify([sortKey, id])).toString('base64url');
}

/** The sort key and id of a cursor; `VALIDATION_FAILED` when it is not one this API returned. */
export function decodeListCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) return value as [string, string];
  } catch {
    // fall through to the problem below
  }
  throw fieldProblem('/cursor', 'is not a cursor this list returned');
}
