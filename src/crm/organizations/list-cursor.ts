import { AppError } from '../../errors.ts';

/** The sort value of the last row of a page and its id: the next page starts strictly after them. */
export type ListCursor = readonly [value: string | number, id: string];

/**
 * Opaque keyset cursor of a sorted list (`base64url` of `[value, id]`). Only sort values and ids go in it: never
 * personal data, since cursors travel in URLs.
 *
 * @example
 * const next = encodeListCursor(['acme', 'b1c…']);
 * decodeListCursor(next); // ['acme', 'b1c…']
 */
export function encodeListCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/**
 * Reads a cursor made by `encodeListCursor`; anything else is a 400 `VALIDATION_FAILED` naming `/cursor`.
 *
 * @example
 * decodeListCursor('WyJhY21lIiwiYjEiXQ'); // ['acme', 'b1']
 */
export function decodeListCursor(cursor: string): ListCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      (typeof value[0] === 'string' || (typeof value[0] === 'number' && Number.isFinite(value[0]))) &&
      typeof value[1] === 'string'
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // not base64url JSON: refused below
  }
  throw new AppError('VALIDATION_FAILED', { detail: 'The cursor is not valid', errors: [{ path: '/cursor', message: 'invalid cursor' }] });
}
