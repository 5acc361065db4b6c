import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { RecordDirectory } from './record-directory.ts';
import type { TimelineEntity } from './timeline-source.ts';

/** A link to a CRM record (ids only). */
export interface RecordLink {
  readonly entity: TimelineEntity;
  readonly id: string;
}

/**
 * Checks links to records given by a client: no duplicates, at most `max`, and each record exists in the workspace.
 * A bad link is `VALIDATION_FAILED` naming its position (`/links/2`), never its id. Returns the links de-duplicated
 * in their given order.
 *
 * @example
 * await assertRecordLinks(directory, db, workspaceId, body.links, { path: '/links', max: 20 });
 */
export async function assertRecordLinks(
  directory: RecordDirectory,
  db: Kysely<Database>,
  workspaceId: string,
  links: readonly RecordLink[],
  options: { readonly path: string; readonly max: number },
): Promise<RecordLink[]> {
  if (links.length > options.max) {
    throw new AppError('VALIDATION_FAILED', { detail: `At most ${options.max} links`, errors: [{ path: options.path, message: 'too many links' }] });
  }
  const seen = new Set<string>();
  const out: RecordLink[] = [];
  for (const [i, link] of links.entries()) {
    const key = `${link.entity}:${link.id}`;
    if (seen.has(key)) {
      throw new AppError('VALIDATION_FAILED', { detail: 'A record is linked twice', errors: [{ path: `${options.path}/${i}`, message: 'duplicate link' }] });
    }
    seen.add(key);
    if (!(await directory.exists(db, workspaceId, link.entity, link.id))) {
      throw new AppError('VALIDATION_FAILED', {
        detail: `The linked ${link.entity} does not exist`,
        errors: [{ path: `${options.path}/${i}`, message: `unknown ${link.entity}` }],
      });
    }
    out.push({ entity: link.entity, id: link.id });
  }
  return out;
}
