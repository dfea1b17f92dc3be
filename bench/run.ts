/**
 * Runs the benchmarks, each in its own process (so peak-memory figures are its own), and prints
 * their figures. Benchmarks print ratios against a baseline they measure in the same run; nothing
 * here asserts a time. `npm run bench -- detect cli` runs only the modules whose name matches.
 *
 * To add a benchmark: write bench/<name>.bench.ts (it prints its own figures) and add it to BENCHES.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

interface Bench {
  /** File under bench/. */
  file: string;
  /** What it shows, printed as its heading. */
  about: string;
  /** Starts VS Code: runs under the shared lock (flock /tmp/vscode-run.lock), as every VS Code run must. */
  vscode?: boolean;
}

const BENCHES: Bench[] = [
  { file: 'detect.bench.ts', about: 'in-process detection: throughput vs the line-splitting floor, memory, flat cost with 1x/2x/3x the rules' },
  { file: 'cli.bench.ts', about: 'the CLI: scan vs a plain line count, distinct failures (RSS), endless --error-file' },
  { file: 'diagnose.bench.ts', about: 'time to a verdict: refused local port, healthy HTTPS, silent target' },
  { file: 'extension.bench.ts', about: 'inside VS Code: bundle sizes, activation, hover on a large log', vscode: true },
  { file: 'corpus.bench.ts', about: 'generalization: recall, category, false positives and host:port on the curated corpus, the atlas fixtures and both sides of the collected split' },
];

const dir = __dirname;
const only = process.argv.slice(2);
const chosen = BENCHES.filter((b) => only.length === 0 || only.some((o) => b.file.includes(o)));
let failed = 0;
for (const bench of chosen) {
  process.stdout.write(`\n## ${bench.file}: ${bench.about}\n`);
  const node = [process.execPath, '--import', 'tsx', '--expose-gc', join(dir, bench.file)];
  const command = bench.vscode && existsSync('/usr/bin/flock') ? ['/usr/bin/flock', '/tmp/vscode-run.lock', ...node] : node;
  try {
    execFileSync(command[0], command.slice(1), { stdio: 'inherit' });
  } catch {
    failed++;
    process.stdout.write(`${bench.file} failed\n`);
  }
}
process.exitCode = failed ? 1 : 0;
