import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * `npm run bench [name]`: runs every `bench/*.bench.ts` in turn (or the one named, e.g. `http`), each in its own
 * process. Each appends its figures to bench/RESULTS.md.
 */
const dir = import.meta.dirname;
const wanted = process.argv[2];
const all = fs.readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();
const selected = wanted ? all.filter((f) => f === wanted || f === `${wanted}.bench.ts`) : all;
if (selected.length === 0) {
  console.error(`No benchmark named ${wanted}. Known: ${all.map((f) => f.replace('.bench.ts', '')).join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const file of selected) {
  console.log(`\n=== ${file} ===`);
  const started = Date.now();
  const res = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, file)], { stdio: 'inherit' });
  console.log(`=== ${file}: ${res.status === 0 ? 'done' : `failed (${res.status})`} in ${((Date.now() - started) / 1000).toFixed(0)} s ===`);
  if (res.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
