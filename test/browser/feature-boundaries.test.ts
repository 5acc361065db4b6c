import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const featuresDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/src/features');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** Every relative import of a source file, resolved to an absolute path. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.[^'"]+)['"]/g)].map(
    (m) => m[1] ?? '',
  );
  return specifiers.map((s) => path.resolve(path.dirname(file), s));
}

describe('web console feature folders', () => {
  it('never import another feature (shared pieces live in web/src/app or web/src/api)', () => {
    const crossings: string[] = [];
    for (const feature of fs.readdirSync(featuresDir)) {
      const own = path.join(featuresDir, feature);
      for (const file of sourceFiles(own)) {
        for (const target of importsOf(file)) {
          if (target.startsWith(featuresDir + path.sep) && !target.startsWith(own + path.sep)) {
            crossings.push(`${path.relative(featuresDir, file)} → ${path.relative(featuresDir, target)}`);
          }
        }
      }
    }
    expect(crossings).toEqual([]);
  });

  it('finds the features it checks', () => {
    expect(fs.readdirSync(featuresDir)).toEqual(
      expect.arrayContaining(['auth', 'account', 'users', 'roles', 'audit']),
    );
  });
});
