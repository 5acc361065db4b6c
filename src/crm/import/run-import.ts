import { createHash } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { AppError, isAppError } from '../../errors.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Gate } from '../../kernel/gate/create-gate.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';
import { findByContact, type FindByContactDeps } from '../duplicates/find-by-contact.ts';
import { csvRows, type ImportEncoding } from './csv-rows.ts';
import { getImportOrThrow, importView, recordBatch, type BatchCounts, type DuplicatePolicy, type ImportView, type Rejection } from './import-jobs.ts';
import { catalogueAttributeOf, resolveColumns, type ImportField, type ImportMapping } from './import-mapping.ts';
import type { PersonInput } from '../../kernel/people/person-input.ts';
import { checkRow, type CheckedRow, type ImportRowValidator, type ImportValues } from './import-row.ts';
import type { ImportStamp, PeopleBatchWriter } from './people-batch-writer.ts';

/** A fresh read of the file from its first byte (the importer reads it twice: check, then write). */
export type OpenFile = () => AsyncIterable<Buffer | Uint8Array | string>;

export interface ImportRunDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly gate: Gate;
  readonly matcher: FindByContactDeps;
  readonly people: PeopleBatchWriter;
  /** The people rules for rows of a file whose national phone numbers belong to `defaultCountry`. */
  readonly validator: (defaultCountry: string | null) => ImportRowValidator;
  /** Rows per transaction. */
  readonly batchSize: number;
  /** A running import not updated for this long is taken as crashed and may be resumed. */
  readonly staleAfterMs: number;
  /** Test hook: called after each committed batch (throw to simulate a crash). */
  readonly afterBatch?: (batchNumber: number) => void | Promise<void>;
}

export interface RunOptions {
  readonly encoding: ImportEncoding;
  readonly maxBytes: number;
  /** Called after each committed batch and once the file is checked. */
  readonly onProgress?: (progress: { readonly rowsDone: number; readonly totalRows: number }) => void;
}

interface CheckedFile {
  readonly headers: readonly string[];
  readonly fields: readonly (ImportField | null)[];
  readonly mapping: ImportMapping;
  readonly totalRows: number;
  readonly headerDigest: string;
}

const resumable = ['pending', 'interrupted', 'failed'];

/**
 * Runs (or resumes) an import over a CSV file, in two streamed passes: the first checks the whole file (encoding,
 * CSV syntax, size, columns, row count) and refuses it before anything is written; the second writes it in
 * transactional batches, each committing its people together with the import's progress, so that a crash leaves only
 * whole batches and a resume continues after the last committed row. Rows of suppressed people are not re-created;
 * rows whose email or phone already exists follow the import's duplicate policy; refused rows are recorded with
 * their row, column and reason (never the value).
 *
 * @example
 * const done = await runImport(deps, ctx, importId, () => fs.createReadStream(file), { encoding: 'utf-8', maxBytes });
 * done.counts.created; // 9999
 */
export async function runImport(deps: ImportRunDeps, callerCtx: ProcessingContext, importId: string, open: OpenFile, options: RunOptions): Promise<ImportView> {
  const { db, clock } = deps;
  const kysely = db.kysely;
  const workspaceId = callerCtx.workspaceId;
  const record = await getImportOrThrow(kysely, workspaceId, importId);
  // The whole file is processed under the purpose chosen when the import was created (its lawful basis).
  const ctx: ProcessingContext = { ...callerCtx, purpose: record.purpose };
  const now = () => clock.now().toISOString();
  const stale = new Date(clock.now().getTime() - deps.staleAfterMs).toISOString();
  const claimed = await kysely
    .updateTable('imports')
    .set({ status: 'running', error_code: null, updated_at: now() })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', importId)
    .where((eb) => eb.or([eb('status', 'in', resumable), eb.and([eb('status', '=', 'running'), eb('updated_at', '<', stale)])]))
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) === 0) {
    throw new AppError('CONFLICT', {
      detail: record.status === 'completed' ? 'This import is already completed' : 'This import is running',
      status: record.status,
    });
  }

  let lastRow = Number(record.last_row);
  try {
    const file = await checkFile(open, record.mapping, record.ignore_unknown === 1, options, lastRow > 0 ? record.header_digest : null);
    if (lastRow > file.totalRows) {
      throw new AppError('VALIDATION_FAILED', { detail: 'A resume needs the same file: it has fewer rows than were already imported', errors: [{ path: '/file', message: 'fewer rows' }] });
    }
    const attributes = [...new Set(file.fields.flatMap((f) => (f === null ? [] : [catalogueAttributeOf(f)])).filter((a): a is string => a !== null))];
    // The purpose must be active, cover the mapped categories, and be granted to the role: before any write.
    await deps.gate.check(kysely, ctx, { personIds: [], operation: 'write', attributes: { entity: 'person', names: attributes } });
    await kysely
      .updateTable('imports')
      .set({ header_digest: file.headerDigest, total_rows: file.totalRows, mapping: JSON.stringify(file.mapping), updated_at: now() })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', importId)
      .execute();
    options.onProgress?.({ rowsDone: lastRow, totalRows: file.totalRows });

    const policy = record.on_duplicate as DuplicatePolicy;
    const stamp = { source: record.source, importId, defaultCountry: record.default_country };
    const validate = deps.validator(record.default_country);
    let batchNumber = 0;
    const flush = async (batch: CheckedRow[]) => {
      const end = batch[batch.length - 1]!.row;
      await writeBatch(deps, ctx, batch, policy, stamp, end, now);
      lastRow = end;
      batchNumber += 1;
      options.onProgress?.({ rowsDone: lastRow, totalRows: file.totalRows });
      await deps.afterBatch?.(batchNumber);
    };

    let rowNumber = 0;
    let header = true;
    let batch: CheckedRow[] = [];
    for await (const cells of csvRows(open(), options)) {
      if (header) {
        header = false;
        continue;
      }
      rowNumber += 1;
      if (rowNumber <= lastRow) continue;
      batch.push(checkRow(rowNumber, cells, file, validate));
      if (batch.length >= deps.batchSize) {
        await flush(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await flush(batch);

    const finished = now();
    await kysely.transaction().execute(async (trx) => {
      await trx
        .updateTable('imports')
        .set({ status: 'completed', finished_at: finished, updated_at: finished })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', importId)
        .execute();
      const done = importView(await getImportOrThrow(trx, workspaceId, importId));
      await appendAudit(trx, { dialect: db.dialect, clock }, {
        workspaceId,
        actor: ctx.actor,
        action: 'import.complete',
        outcome: 'allowed',
        resourceType: 'import',
        resourceId: importId,
        purpose: ctx.purpose,
        requestId: ctx.requestId ?? null,
        ip: ctx.ip ?? null,
        details: { rows: done.totalRows, source: done.source, onDuplicate: done.onDuplicate, ...done.counts },
      });
    });
  } catch (error) {
    const code = isAppError(error) ? error.code : 'INTERNAL';
    await kysely
      .updateTable('imports')
      .set({ status: lastRow > 0 ? 'interrupted' : 'failed', error_code: code, updated_at: now() })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', importId)
      .execute();
    throw error;
  }
  return importView(await getImportOrThrow(kysely, workspaceId, importId));
}

/** The first pass: the whole file is read and checked, nothing is written. */
async function checkFile(open: OpenFile, mappingText: string, ignoreUnknown: boolean, options: RunOptions, resumeDigest: string | null): Promise<CheckedFile> {
  let resolved: { headers: string[]; fields: readonly (ImportField | null)[]; mapping: ImportMapping; headerDigest: string } | undefined;
  let totalRows = 0;
  for await (const cells of csvRows(open(), options)) {
    if (!resolved) {
      const headers = cells.map((c) => c.trim());
      const headerDigest = createHash('sha256').update(JSON.stringify(headers)).digest('hex');
      if (resumeDigest !== null && resumeDigest !== headerDigest) {
        throw new AppError('VALIDATION_FAILED', { detail: 'A resume needs the same file: its columns differ from the first run', errors: [{ path: '/file', message: 'different columns' }] });
      }
      const columns = resolveColumns(headers, JSON.parse(mappingText) as ImportMapping, ignoreUnknown);
      resolved = { headers, ...columns, headerDigest };
      continue;
    }
    totalRows += 1;
  }
  if (!resolved) throw new AppError('CSV_EMPTY', { detail: 'The file is empty' });
  if (totalRows === 0) throw new AppError('CSV_EMPTY', { detail: 'The file has a header but no data rows' });
  return { ...resolved, totalRows };
}

/** Writes one batch: suppressed rows dropped, duplicates handled by the policy, the rest created with the progress. */
async function writeBatch(
  deps: ImportRunDeps,
  ctx: ProcessingContext,
  batch: readonly CheckedRow[],
  policy: DuplicatePolicy,
  stamp: ImportStamp,
  lastRow: number,
  now: () => string,
): Promise<void> {
  const { db } = deps;
  const workspaceId = ctx.workspaceId;
  const counts: BatchCounts = { created: 0, updated: 0, skipped: 0, suppressed: 0, rejected: 0 };
  const rejections: Rejection[] = [];
  const good: { row: number; values: ImportValues; person: PersonInput }[] = [];
  for (const r of batch) {
    if (r.ok) good.push(r);
    else {
      counts.rejected += 1;
      rejections.push(...r.rejections);
    }
  }

  // Suppressed people (erased or objecting) are never re-created.
  const suppressed = new Set(await deps.people.findSuppressed(workspaceId, good.map((g) => g.values)));
  counts.suppressed = suppressed.size;
  const live = good.filter((_g, i) => !suppressed.has(i));

  // Duplicates: existing people through the blind index, and earlier rows of this same batch.
  const matches = policy === 'create' ? live.map(() => []) : await findByContact(deps.matcher, db.kysely, workspaceId, live.map((g) => g.values));
  const seen = new Set<string>();
  const toCreate: (PersonInput)[] = [];
  // Two rows of a batch may update the same person: the second needs the version the first left.
  const versions = new Map<string, number>();
  for (const [i, g] of live.entries()) {
    const keys = (['email', 'phone'] as const).flatMap((k) => (g.values[k] ? [`${k}:${g.values[k]!.trim().toLowerCase()}`] : []));
    const inBatch = keys.some((k) => seen.has(k));
    for (const k of keys) seen.add(k);
    const existing = matches[i]!;
    if (policy === 'create' || (existing.length === 0 && !inBatch)) {
      toCreate.push(g.person);
      continue;
    }
    if (policy === 'update' && existing.length === 1) {
      const target = existing[0]!;
      const version = await deps.people.update(ctx, target.personId, versions.get(target.personId) ?? target.version, g.values, stamp);
      if (version === null) counts.skipped += 1;
      else {
        versions.set(target.personId, version);
        counts.updated += 1;
      }
      continue;
    }
    if (policy === 'update' && existing.length > 1) {
      // Several people hold these identifiers: which one to change is a person's decision (merge them first).
      counts.rejected += 1;
      rejections.push({ row: g.row, column: null, reason: 'ambiguous_duplicate' });
      continue;
    }
    counts.skipped += 1;
  }
  counts.created = toCreate.length;
  const record = (trx: Parameters<typeof recordBatch>[0]) => recordBatch(trx, { workspaceId, importId: stamp.importId, lastRow, counts, rejections, at: now() });
  if (toCreate.length > 0) await deps.people.createMany(ctx, toCreate, stamp, record);
  else await db.kysely.transaction().execute(record);
}
