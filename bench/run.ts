/**
 * Runs every bench/*.bench.ts in its own process (so peak-memory figures are its
 * own) and prints their figures. Benchmarks print ratios against a baseline they
 * measure in the same run; nothing here asserts a time.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = __dirname;
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const file of files) {
  process.stdout.write(`\n## ${file}\n`);
  try {
    execFileSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(dir, file)], { stdio: 'inherit' });
  } catch {
    failed++;
    process.stdout.write(`${file} failed\n`);
  }
}
process.exitCode = failed ? 1 : 0;
