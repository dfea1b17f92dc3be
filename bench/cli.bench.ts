/**
 * The command-line tool as users run it (dist/cli.js in a child process), each figure beside a
 * baseline measured in the same run:
 *   - `scan` of a large terminal log vs a plain Node line count of the same file (a child
 *     `node -e` counting '\n' over a read stream): target <= 2x;
 *   - `scan --json` of distinct failure lines (none folds): peak RSS (target < 200 MB), wall
 *     time and time to the first incident printed (scan streams incidents as they close);
 *   - `diagnose --error-file /dev/zero` and `--error-file -` fed by /dev/zero: RSS and time.
 * Peak RSS is the child's VmHWM, read from /proc while it runs. Prints figures; asserts nothing.
 * Sizes: CLI_BENCH_MB (default 100), CLI_BENCH_DISTINCT (default 200000), BENCH_RUNS (default 3).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { MB, distinctFailuresLog, median, terminalLog } from './logs';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const SIZE_MB = Number(process.env.CLI_BENCH_MB ?? 100);
// 1,000,000 is the figure (about 70 s of CPU here): CLI_BENCH_DISTINCT=1000000; the default keeps the run short.
const DISTINCT = Number(process.env.CLI_BENCH_DISTINCT ?? 200_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const LINE_COUNT = `let n = 0; require('fs').createReadStream(process.argv[1]).on('data', (b) => { let i = 0; while ((i = b.indexOf(10, i)) !== -1) { n++; i++; } }).on('end', () => console.log(n));`;

interface Measured { ms: number; peakRssMb: number; code: number | null; firstOutputMs: number; stdoutBytes: number; stdout: string; stderr: string }

/** Peak resident set of a live process so far (VmHWM), in MB; 0 once it is gone. */
function peakRss(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs a program; stdin from a path (or nothing), stdout counted (and kept up to 64 KB). */
function measure(args: readonly string[], stdinPath: string | null = null): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const stdinFd = stdinPath === null ? 'ignore' : openSync(stdinPath, 'r');
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: [stdinFd, 'pipe', 'pipe'] });
    if (typeof stdinFd === 'number') closeSync(stdinFd);
    let peak = 0;
    let first = NaN;
    let bytes = 0;
    let out = '';
    let err = '';
    // VmHWM only grows, so the last read before the exit is the peak (to within one poll).
    const poll = setInterval(() => (peak = Math.max(peak, peakRss(child.pid ?? -1))), 20);
    child.stdout?.on('data', (b: Buffer) => {
      if (bytes === 0) first = performance.now() - t0;
      bytes += b.length;
      if (out.length < 65536) out += b.toString('utf8');
    });
    child.stderr?.on('data', (b: Buffer) => (err += b.toString('utf8')));
    child.on('error', reject);
    child.on('exit', () => (peak = Math.max(peak, peakRss(child.pid ?? -1))));
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ ms: performance.now() - t0, peakRssMb: peak, code, firstOutputMs: first, stdoutBytes: bytes, stdout: out, stderr: err });
    });
  });
}

/** A local port with nothing listening (bound, then closed). */
function refusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 1));
    });
  });
}

const ms = (x: number): string => `${x.toFixed(0)} ms`;

async function main(): Promise<void> {
  if (!existsSync(CLI)) execFileSync(process.execPath, ['esbuild.js', '--production'], { cwd: ROOT, stdio: 'ignore' });
  const log = terminalLog(SIZE_MB);
  const size = statSync(log).size;
  process.stdout.write(`CLI ${CLI}; ${RUNS} runs each, median\n`);

  // 1. scan vs a plain line count, interleaved so that the machine's load hits both alike.
  const floor: number[] = [];
  const scan: number[] = [];
  let lines = '';
  let last: Measured | null = null;
  await measure(['-e', LINE_COUNT, log]); // page cache
  for (let i = 0; i < RUNS; i++) {
    const f = await measure(['-e', LINE_COUNT, log]);
    floor.push(f.ms);
    lines = f.stdout.trim();
    last = await measure([CLI, 'scan', log]);
    scan.push(last.ms);
  }
  const incidents = last ? (last.stdout.match(/^\S/gm) ?? []).length : 0;
  process.stdout.write(`scan ${(size / MB).toFixed(0)} MB terminal log (ANSI colours, \\r progress bars):\n`);
  process.stdout.write(`  node -e line count (floor): ${ms(median(floor))}  (${lines} lines, ${(size / MB / (median(floor) / 1000)).toFixed(0)} MB/s)\n`);
  process.stdout.write(`  connection-doctor scan:     ${ms(median(scan))}  (exit ${last?.code}, ${incidents} incidents printed, peak rss ${last?.peakRssMb.toFixed(0)} MB)\n`);
  process.stdout.write(`  ratio scan/floor:           ${(median(scan) / median(floor)).toFixed(2)}x  (target <= 2x)\n`);

  // 2. Distinct failures: memory stays bounded and incidents stream out while the input is read.
  const distinct = distinctFailuresLog(DISTINCT);
  const d = await measure([CLI, 'scan', '--json', distinct]);
  const printed = d.stdoutBytes > 0 ? '' : ' (nothing printed)';
  process.stdout.write(
    `scan --json ${DISTINCT} distinct failure lines (${(statSync(distinct).size / MB).toFixed(0)} MB): peak rss ${d.peakRssMb.toFixed(0)} MB (target < 200 MB), ` +
      `${ms(d.ms)}, first incident out after ${ms(d.firstOutputMs)}, ${(d.stdoutBytes / MB).toFixed(0)} MB of JSON Lines${printed}, exit ${d.code}\n`,
  );

  // 3. Endless error input: refused or read only as far as it is kept.
  const port = await refusedPort();
  const z = await measure([CLI, 'diagnose', '--error-file', '/dev/zero', `127.0.0.1:${port}`]);
  process.stdout.write(`diagnose --error-file /dev/zero:        ${ms(z.ms)}, peak rss ${z.peakRssMb.toFixed(0)} MB, exit ${z.code}: ${(z.stderr.trim() || z.stdout.trim()).split('\n')[0]}\n`);
  const zs = await measure([CLI, 'diagnose', '--error-file', '-', `127.0.0.1:${port}`], '/dev/zero');
  process.stdout.write(`diagnose --error-file - < /dev/zero:    ${ms(zs.ms)}, peak rss ${zs.peakRssMb.toFixed(0)} MB, exit ${zs.code}: ${(zs.stdout.trim() || zs.stderr.trim()).split('\n')[0]}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`cli bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
