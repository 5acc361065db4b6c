import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The widget script as served, read once at start. */
export interface WidgetAsset {
  readonly source: Buffer;
  readonly gzipped: Buffer;
  readonly etag: string;
}

/** Size budget of the widget, gzipped (issue 5: under 15 kB). */
export const widgetGzipBudgetBytes = 15 * 1024;

/** The hand-written widget file (ES2019, no build step: ADR 0018). */
export const widgetSourcePath = path.join(path.dirname(fileURLToPath(import.meta.url)), 'widget.js');

/**
 * Loads the widget and its gzipped form (served to clients that accept gzip, measured by the test and the bench).
 *
 * @example
 * const widget = loadWidgetAsset();
 * widget.gzipped.length < widgetGzipBudgetBytes; // true
 */
export function loadWidgetAsset(): WidgetAsset {
  const source = fs.readFileSync(widgetSourcePath);
  return { source, gzipped: gzipSync(source, { level: 9 }), etag: `"${createHash('sha256').update(source).digest('base64url').slice(0, 16)}"` };
}
