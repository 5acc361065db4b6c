import { stringify } from 'csv-stringify/sync';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import { provenanceSources } from '../../kernel/people/person-fields.ts';
import { getImportOrThrow, importView, insertImport, listImports, listRejections, type DuplicatePolicy, type ImportView } from './import-jobs.ts';
import type { ImportMapping } from './import-mapping.ts';
import { runImport, type ImportRunDeps, type OpenFile, type RunOptions } from './run-import.ts';

/** What a new import is given: the lawful basis and provenance of the whole file, and how to read it. */
export interface ImportSettings {
  /** Provenance of every record (`import`, `event`, `form`, …). */
  readonly source: string;
  readonly onDuplicate: DuplicatePolicy;
  /** Explicit CSV header → field entries; other headers are recognised by name. */
  readonly mapping: ImportMapping;
  /** Unmapped columns are ignored instead of refused. */
  readonly ignoreUnknown: boolean;
  /** ISO 3166-1 alpha-2 country for phone numbers without an international prefix. */
  readonly defaultCountry?: string | null | undefined;
}

/** Imports of people from CSV (people:import). */
export interface ImportService {
  /** A pending import under the context's purpose (which must exist and be active). */
  create(ctx: ProcessingContext, settings: ImportSettings): Promise<ImportView>;
  /** A page of the workspace's imports, newest first. */
  list(workspaceId: string, page: { limit: number; cursor?: string | undefined }): Promise<{ items: ImportView[]; nextCursor: string | null }>;
  /** `NOT_FOUND` for an unknown id or another workspace's. */
  get(workspaceId: string, importId: string): Promise<ImportView>;
  /** Runs the import over the file, or resumes it after its last committed row. */
  run(ctx: ProcessingContext, importId: string, open: OpenFile, options?: Partial<RunOptions>): Promise<ImportView>;
  /** The report of rejected rows as CSV lines (`row,column,reason`), header first. Never a value of the file. */
  report(workspaceId: string, importId: string): Promise<AsyncIterable<string>>;
  /** Largest file accepted, in bytes. */
  readonly maxBytes: number;
}

export interface ImportServiceDeps extends Omit<ImportRunDeps, 'batchSize' | 'staleAfterMs'> {
  readonly purposes: Pick<PurposeRegister, 'find'>;
  readonly batchSize?: number;
  readonly staleAfterMs?: number;
  /** Default 1 GiB. */
  readonly maxBytes?: number;
}

/**
 * @example
 * const imports = createImportService({ db, clock, gate, suppression, matcher, people, validate, purposes });
 * const created = await imports.create(ctx, { source: 'event', onDuplicate: 'skip', mapping: {}, ignoreUnknown: false });
 * await imports.run(ctx, created.id, () => fs.createReadStream(file));
 */
export function createImportService(deps: ImportServiceDeps): ImportService {
  const maxBytes = deps.maxBytes ?? 1024 * 1024 * 1024;
  const runDeps: ImportRunDeps = { ...deps, batchSize: deps.batchSize ?? 1000, staleAfterMs: deps.staleAfterMs ?? 5 * 60_000 };
  const db: Db = deps.db;
  const clock: Clock = deps.clock;
  return {
    maxBytes,
    async create(ctx, settings) {
      if (!(provenanceSources as readonly string[]).includes(settings.source)) {
        throw new AppError('VALIDATION_FAILED', { detail: `source must be one of ${provenanceSources.join(', ')}`, errors: [{ path: '/source', message: 'unknown source' }] });
      }
      if (settings.defaultCountry != null && !/^[A-Z]{2}$/.test(settings.defaultCountry)) {
        throw new AppError('VALIDATION_FAILED', { detail: 'defaultCountry must be an ISO 3166-1 alpha-2 code', errors: [{ path: '/defaultCountry', message: 'not a country code' }] });
      }
      const purpose = await deps.purposes.find(db.kysely, ctx.workspaceId, ctx.purpose);
      if (!purpose) throw new AppError('PURPOSE_UNKNOWN', { purpose: ctx.purpose });
      if (!purpose.active) throw new AppError('PURPOSE_INACTIVE', { detail: 'Import under an active purpose: it is the lawful basis of the whole file', purpose: ctx.purpose });
      const id = await insertImport(db.kysely, {
        workspaceId: ctx.workspaceId,
        actor: ctx.actor,
        purpose: purpose.key,
        source: settings.source,
        onDuplicate: settings.onDuplicate,
        mapping: settings.mapping,
        ignoreUnknown: settings.ignoreUnknown,
        defaultCountry: settings.defaultCountry ?? null,
        at: clock.now().toISOString(),
      });
      return importView(await getImportOrThrow(db.kysely, ctx.workspaceId, id));
    },
    list: (workspaceId, page) => listImports(db.kysely, workspaceId, page),
    async get(workspaceId, importId) {
      return importView(await getImportOrThrow(db.kysely, workspaceId, importId));
    },
    async run(ctx, importId, open, options = {}) {
      return runImport(runDeps, ctx, importId, open, {
        encoding: options.encoding ?? 'utf-8',
        maxBytes: options.maxBytes ?? maxBytes,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
    },
    async report(workspaceId, importId) {
      await getImportOrThrow(db.kysely, workspaceId, importId);
      return (async function* () {
        yield stringify([['row', 'column', 'reason']]);
        for await (const r of listRejections(db.kysely, workspaceId, importId)) {
          // Headers are text from the file: neutralise spreadsheet formulas.
          const column = r.column && /^[=+\-@\t\r]/.test(r.column) ? `'${r.column}` : r.column ?? '';
          yield stringify([[r.row, column, r.reason]]);
        }
      })();
    },
  };
}
