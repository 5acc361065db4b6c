import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderErrorDocs } from '../../scripts/gen-error-docs.ts';
import { errorCatalogue } from '../../src/errors.ts';

describe('error catalogue', () => {
  it('is documented in docs/api/errors.md exactly as the code defines it (run scripts/gen-error-docs.ts)', () => {
    const doc = fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/api/errors.md'), 'utf8');
    expect(doc).toBe(renderErrorDocs());
  });

  it('maps every code to a 4xx or 5xx status and a non-zero exit code', () => {
    for (const entry of Object.values(errorCatalogue)) {
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.status).toBeLessThan(600);
      expect(entry.exit).toBeGreaterThan(0);
    }
  });
});
