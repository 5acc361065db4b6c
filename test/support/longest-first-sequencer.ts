import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files measured to take longest (route-permissions walks every route on both databases: 2–3 times the next
 * file), in that order. With two workers, a long file that starts last leaves one core idle while it finishes.
 * Vitest orders files by their last recorded duration, but only where a cache of earlier runs exists, which a
 * fresh CI clone has not (it falls back to file size, and these files are short).
 */
export const longestFiles = ['test/platform/route-permissions.test.ts', 'test/identity/sign-in.test.ts'];

/** Vitest's own order, with `longestFiles` moved to the front. */
export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const index = longestFiles.indexOf(path.relative(file.project.config.root, file.moduleId).split(path.sep).join('/'));
      return index === -1 ? longestFiles.length : index;
    };
    return sorted.map((file, order) => ({ file, order })).sort((a, b) => rank(a.file) - rank(b.file) || a.order - b.order).map((x) => x.file);
  }
}
