import { AppError } from '../../errors.ts';

/** Where the next page of the register starts: strictly after this incident in (awareness desc, id desc) order. */
export interface IncidentListCursor {
  readonly awareAt: string;
  readonly id: string;
}

/**
 * Opaque keyset cursor of the incident list, in the style of the other lists (`base64url` of a JSON array): the last
 * incident's awareness instant and id. Neither is personal data, so the cursor may travel in a URL.
 *
 * @example
 * const next = encodeIncidentCursor({ awareAt: '2026-03-02T10:00:00.000Z', id });
 * decodeIncidentCursor(next); // { awareAt: '2026-03-02T10:00:00.000Z', id }
 */
export function encodeIncidentCursor(cursor: IncidentListCursor): string {
  return Buffer.from(JSON.stringify([cursor.awareAt, cursor.id])).toString('base64url');
}

/**
 * Reads a cursor made by `encodeIncidentCursor`; anything else is a 400 `VALIDATION_FAILED` naming `/cursor`.
 *
 * @example
 * decodeIncidentCursor('not a cursor'); // throws VALIDATION_FAILED
 */
export function decodeIncidentCursor(cursor: string): IncidentListCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      !Number.isNaN(Date.parse(value[0])) &&
      typeof value[1] === 'string' &&
      value[1].length > 0
    ) {
      return { awareAt: value[0], id: value[1] };
    }
  } catch {
    // not base64url JSON: refused below
  }
  throw new AppError('VALIDATION_FAILED', {
    detail: 'The cursor is not valid',
    errors: [{ path: '/cursor', message: 'invalid cursor' }],
  });
}
