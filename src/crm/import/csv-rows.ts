import { parse, type CsvError } from 'csv-parse';
import { AppError, isAppError } from '../../errors.ts';

/** Text encodings an import accepts: UTF-8 (checked strictly) or Latin-1 when the caller says so. */
export const importEncodings = ['utf-8', 'latin1'] as const;
export type ImportEncoding = (typeof importEncodings)[number];

export interface CsvRowsOptions {
  readonly encoding: ImportEncoding;
  /** Largest file accepted, in bytes (`PAYLOAD_TOO_LARGE` beyond). */
  readonly maxBytes: number;
}

/** A record longer than this is refused: an unbalanced quote would otherwise swallow the rest of the file. */
const maxRecordBytes = 64 * 1024;

/** Bytes to text, refusing what is not the announced encoding; counts bytes against the cap. */
async function* decode(source: AsyncIterable<Buffer | Uint8Array | string>, options: CsvRowsOptions): AsyncGenerator<string> {
  const decoder = new TextDecoder(options.encoding === 'utf-8' ? 'utf-8' : 'latin1', { fatal: true });
  let bytes = 0;
  let first = true;
  for await (const piece of source) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    bytes += chunk.length;
    if (bytes > options.maxBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', { detail: `The file is larger than the import limit of ${options.maxBytes} bytes`, limit: options.maxBytes });
    }
    if (first && chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) {
      throw new AppError('CSV_ENCODING', { detail: 'The file is UTF-16: save it as UTF-8 (CSV UTF-8)' });
    }
    first = false;
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw new AppError('CSV_ENCODING', { detail: 'The file is not valid UTF-8: save it as UTF-8, or import it with the latin1 encoding', encoding: options.encoding });
    }
    if (text.includes('\u0000')) throw new AppError('CSV_ENCODING', { detail: 'The file holds NUL characters: it is not a text CSV file' });
    if (text) yield text;
  }
  try {
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch {
    throw new AppError('CSV_ENCODING', { detail: 'The file is not valid UTF-8: it ends in the middle of a character', encoding: options.encoding });
  }
}

/** csv-parse's errors quote the offending text: only the line is kept. */
function malformed(error: CsvError): AppError {
  const line = typeof error.lines === 'number' ? error.lines : undefined;
  const what: Record<string, string> = {
    CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed (unbalanced quotes)',
    CSV_INVALID_CLOSING_QUOTE: 'a quote appears inside an unquoted field or after a closing quote',
    CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text follows a closing quote',
    CSV_MAX_RECORD_SIZE: `a record is longer than ${maxRecordBytes} bytes (an unbalanced quote?)`,
  };
  const reason = what[error.code] ?? 'the file is not valid CSV';
  return new AppError('CSV_MALFORMED', { detail: `Malformed CSV${line ? ` near line ${line}` : ''}: ${reason}`, ...(line ? { line } : {}), reason: error.code });
}

/**
 * The records of a CSV byte stream, streamed (never the whole file in memory): strict UTF-8 (or Latin-1) decoding,
 * a byte cap, a record-size cap, blank lines skipped, a UTF-8 BOM dropped. Refusals are `AppError`s without any of
 * the file's content: `CSV_ENCODING`, `CSV_MALFORMED` (with the line number), `PAYLOAD_TOO_LARGE`.
 *
 * @example
 * for await (const record of csvRows(fs.createReadStream(file), { encoding: 'utf-8', maxBytes: 1 << 30 })) {
 *   console.log(record.length); // number of fields
 * }
 */
export async function* csvRows(source: AsyncIterable<Buffer | Uint8Array | string>, options: CsvRowsOptions): AsyncGenerator<string[]> {
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: maxRecordBytes });
  const waitForDrain = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        parser.off('drain', done);
        parser.off('close', done);
        resolve();
      };
      parser.on('drain', done);
      parser.on('close', done);
    });
  const feeding = (async () => {
    try {
      for await (const text of decode(source, options)) {
        if (parser.destroyed) return;
        if (!parser.write(text)) await waitForDrain();
      }
      if (!parser.destroyed) parser.end();
    } catch (error) {
      parser.destroy(error as Error);
    }
  })();
  try {
    for await (const record of parser as AsyncIterable<string[]>) yield record;
  } catch (error) {
    if (isAppError(error)) throw error;
    if (error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('CSV_')) {
      throw malformed(error as CsvError);
    }
    throw error;
  } finally {
    parser.destroy();
    await feeding;
  }
}
