import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';
import type { RequestView } from '../requests/request-types.ts';
import type { FulfilmentDeps } from './fulfilment-deps.ts';
import { answeringContext } from './answering-context.ts';
import { completeRequest, markInProgress, openRequest } from './open-request.ts';

/** An item of an export that names someone else (Art. 15(4)): ids and reasons only. */
export interface FlaggedItem {
  readonly section: string;
  readonly recordId: string;
  readonly reason: string;
}

export interface AccessFulfilment {
  readonly request: RequestView;
  readonly filename: string;
  readonly bytes: number;
  /** Items staff must review before the export is released; empty when it was released at once. */
  readonly flaggedForReview: readonly FlaggedItem[];
  /** True when the request completed (nothing to review, or the release was confirmed). */
  readonly released: boolean;
}

const itemKey = (f: FlaggedItem) => `${f.section}\u0000${f.recordId}`;

/**
 * Access (Art. 15) and portability (Art. 20): builds the export through the access exporter, stores the zip on the
 * request, and completes it, unless the export names other people: then nothing is stored, the flagged items are
 * recorded on the timeline, and the request waits until staff confirm the release after review (`confirmRelease`
 * builds the export again, stores it and completes the request; items flagged since the review send it back).
 *
 * @example
 * const access = createAccessFulfilment(deps);
 * const result = await access.buildExport(ctx, requestId, { expectedVersion: 2 });
 * if (!result.released) await access.confirmRelease(ctx, requestId, { expectedVersion: result.request.version, note: 'checked' });
 */
export function createAccessFulfilment(deps: FulfilmentDeps) {
  const db = deps.db.kysely;

  async function findPendingReview(workspaceId: string, requestId: string) {
    return db
      .selectFrom('fulfilment_records')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('request_id', '=', requestId)
      .where('kind', '=', 'export_review')
      .where('state', '=', 'pending')
      .executeTakeFirst();
  }

  async function insertReview(
    trx: Kysely<Database>,
    workspaceId: string,
    requestId: string,
    flagged: readonly FlaggedItem[],
    now: string,
  ) {
    await trx
      .insertInto('fulfilment_records')
      .values({
        id: randomUUID(),
        workspace_id: workspaceId,
        request_id: requestId,
        kind: 'export_review',
        ref: null,
        state: 'pending',
        data: JSON.stringify({ flagged }),
        created_at: now,
        updated_at: now,
      })
      .execute();
  }

  return {
    async buildExport(
      ctx: ProcessingContext,
      requestId: string,
      options: { readonly expectedVersion?: number | undefined },
    ): Promise<AccessFulfilment> {
      const { view, personId } = await openRequest(
        deps.requests,
        db,
        ctx,
        requestId,
        ['access', 'portability'],
        options,
      );
      const kind = view.type === 'portability' ? 'portability' : 'access';
      const built = await deps.accessExporter.build(db, answeringContext(ctx, view.id, personId), personId, {
        kind,
        language: view.language,
      });
      const filename = `${kind}-export-${view.reference}.zip`;
      const flagged = built.flaggedForReview.map((f) => ({
        section: f.section,
        recordId: f.recordId,
        reason: f.reason,
      }));
      const now = deps.clock.now().toISOString();
      const request = await db.transaction().execute(async (trx) => {
        await markInProgress(deps.requests, trx, ctx, view);
        await deps.requests.recordStep(trx, ctx, view.id, {
          kind: 'export_built',
          summary: `${kind === 'access' ? 'Access' : 'Portability'} export built (${built.zip.byteLength} bytes, language ${view.language})`,
        });
        // A rebuilt export replaces the earlier review.
        await trx
          .deleteFrom('fulfilment_records')
          .where('workspace_id', '=', ctx.workspaceId)
          .where('request_id', '=', view.id)
          .where('kind', '=', 'export_review')
          .where('state', '=', 'pending')
          .execute();
        if (flagged.length > 0) {
          // Not stored yet: the person could download it from the portal before staff reviewed it.
          await insertReview(trx, ctx.workspaceId, view.id, flagged, now);
          const sections = [...new Set(flagged.map((f) => f.section))].join(', ');
          await deps.requests.recordStep(trx, ctx, view.id, {
            kind: 'export_review_required',
            summary: `${flagged.length} item(s) name other people and need review before release (Art. 15(4)): ${sections}`,
          });
          return deps.requests.get(trx, ctx.workspaceId, view.id);
        }
        await deps.requests.storeResult(trx, ctx, view.id, {
          filename,
          contentType: 'application/zip',
          body: Buffer.from(built.zip),
        });
        return completeRequest(deps.requests, trx, ctx, view.id);
      });
      return {
        request,
        filename,
        bytes: built.zip.byteLength,
        flaggedForReview: flagged,
        released: flagged.length === 0,
      };
    },

    /** Staff confirm that the flagged items were reviewed (and removed or found fit to disclose); completes the request. */
    async confirmRelease(
      ctx: ProcessingContext,
      requestId: string,
      options: { readonly expectedVersion?: number | undefined; readonly note: string },
    ): Promise<RequestView> {
      const { view, personId } = await openRequest(
        deps.requests,
        db,
        ctx,
        requestId,
        ['access', 'portability'],
        options,
      );
      const review = await findPendingReview(ctx.workspaceId, view.id);
      if (!review)
        throw new AppError('CONFLICT', { detail: 'No export of this request waits for a release review' });
      const reviewed = (JSON.parse(review.data) as { flagged: FlaggedItem[] }).flagged;
      // Built again: the data may have changed since the review, and only the released file is ever stored.
      const kind = view.type === 'portability' ? 'portability' : 'access';
      const built = await deps.accessExporter.build(db, answeringContext(ctx, view.id, personId), personId, {
        kind,
        language: view.language,
      });
      const seen = new Set(reviewed.map(itemKey));
      const unreviewed = built.flaggedForReview.filter((f) => !seen.has(itemKey(f)));
      const now = deps.clock.now().toISOString();
      if (unreviewed.length > 0) {
        const flagged = built.flaggedForReview.map((f) => ({
          section: f.section,
          recordId: f.recordId,
          reason: f.reason,
        }));
        await db.transaction().execute(async (trx) => {
          await trx
            .deleteFrom('fulfilment_records')
            .where('workspace_id', '=', ctx.workspaceId)
            .where('id', '=', review.id)
            .execute();
          await insertReview(trx, ctx.workspaceId, view.id, flagged, now);
          await deps.requests.recordStep(trx, ctx, view.id, {
            kind: 'export_review_required',
            summary: `${unreviewed.length} new item(s) name other people since the review: review again before release`,
          });
        });
        throw new AppError('FULFILMENT_REVIEW_PENDING', { flagged: unreviewed.length });
      }
      const filename = `${kind}-export-${view.reference}.zip`;
      return db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('fulfilment_records')
          .set({ state: 'released', updated_at: now })
          .where('workspace_id', '=', ctx.workspaceId)
          .where('id', '=', review.id)
          .where('state', '=', 'pending')
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1)
          throw new AppError('CONFLICT', { detail: 'The release was already confirmed' });
        await deps.requests.storeResult(trx, ctx, view.id, {
          filename,
          contentType: 'application/zip',
          body: Buffer.from(built.zip),
        });
        await deps.requests.recordStep(trx, ctx, view.id, {
          kind: 'export_released',
          summary: `Release confirmed after review of ${reviewed.length} flagged item(s); export stored (${built.zip.byteLength} bytes)`,
        });
        await deps.requests.recordStep(trx, ctx, view.id, {
          kind: 'note',
          summary: options.note,
          personal: true,
        });
        return completeRequest(deps.requests, trx, ctx, view.id);
      });
    },

    /** The items of the stored export still waiting for review, or null when none waits. */
    async pendingReview(workspaceId: string, requestId: string): Promise<readonly FlaggedItem[] | null> {
      const row = await findPendingReview(workspaceId, requestId);
      return row ? (JSON.parse(row.data) as { flagged: FlaggedItem[] }).flagged : null;
    },
  };
}

export type AccessFulfilmentService = ReturnType<typeof createAccessFulfilment>;
