/**
 * Detection throughput on a large realistic terminal log, against the floor measured in
 * the same run (one pass that only finds line ends), plus peak memory at two input sizes.
 * Prints figures (median of three runs); asserts nothing. Size: DETECT_BENCH_MB (default 128).
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StreamDetector } from '../src/core/detect/stream';

const MB = 1 << 20;
const SIZE_MB = Number(process.env.DETECT_BENCH_MB ?? 128);
const DATA_DIR = join(__dirname, '.data');
const CHUNK = 64 * 1024;

/** Deterministic pseudo-random numbers (LCG), so every run scans the same log. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const ERRORS = [
  'Error: connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)',
  "npm ERR! network request to https://registry.npmjs.org/left-pad failed, reason: read ECONNRESET",
  'curl: (28) Failed to connect to api.example.org port 443 after 10002 ms: Timeout was reached',
  "fatal: unable to access 'https://github.com/acme/app.git/': Could not resolve host: github.com",
  'requests.exceptions.ConnectionError: HTTPSConnectionPool(host=\'pypi.org\', port=443): Max retries exceeded with url: /simple/ (Caused by NewConnectionError(\'<urllib3.connection.HTTPSConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused\'))',
  '\x1b[31mError: self-signed certificate in certificate chain\x1b[39m',
  'dial tcp 10.0.0.12:6379: i/o timeout',
];

function normalLine(rnd: () => number, n: number): string {
  const r = rnd();
  const ms = Math.floor(rnd() * 900) + 10;
  if (r < 0.25) return `\x1b[32m✓\x1b[39m ${['renders the header', 'parses the config file', 'retries the upload', 'handles an empty list'][n % 4]} \x1b[90m(${ms} ms)\x1b[39m`;
  if (r < 0.4) return `[${String(n % 24).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}:${String((n * 7) % 60).padStart(2, '0')}] INFO  o.s.b.w.embedded.tomcat.TomcatWebServer - Tomcat started on port(s): 8080 (http) with context path ''`;
  if (r < 0.55) return `  src/components/Widget${n % 97}.tsx  ${ms} kB  \x1b[33mwarning\x1b[39m  Unexpected any. Specify a different type  @typescript-eslint/no-explicit-any`;
  if (r < 0.65) {
    let bar = '';
    for (let p = 0; p <= 100; p += 20) bar += `\rDownloading packages [${'#'.repeat(p / 5).padEnd(20, ' ')}] ${p}%`;
    return `${bar}\r\x1b[2Kadded ${ms} packages, and audited ${ms + 1} packages in ${ms % 9}s`;
  }
  if (r < 0.8) return `webpack compiled \x1b[1m\x1b[32msuccessfully\x1b[39m\x1b[22m in ${ms} ms; asset main.${n.toString(16)}.js ${ms} KiB [emitted] [immutable] (name: main)`;
  if (r < 0.9) return `\x1b]633;E;npm run build;nonce${n % 10}\x07\x1b]633;C\x07> app@1.0.0 build /home/dev/app`;
  return `    at Object.<anonymous> (/home/dev/app/src/service${n % 13}.ts:${ms}:${n % 80})`;
}

function generate(path: string, bytes: number): void {
  if (existsSync(path) && statSync(path).size >= bytes) return;
  const rnd = random(42);
  const fd = openSync(path, 'w');
  let written = 0;
  let n = 0;
  let batch: string[] = [];
  while (written < bytes) {
    const line = rnd() < 0.001 ? ERRORS[n % ERRORS.length] : normalLine(rnd, n);
    batch.push(line);
    n++;
    if (batch.length === 4096) {
      written += writeSync(fd, `${batch.join('\n')}\n`);
      batch = [];
    }
  }
  closeSync(fd);
}

interface Run { mb: number; ms: number; peakRss: number; peakHeap: number; result: number }

function pass(path: string, limit: number, onChunk: (chunk: Uint8Array) => void, finish: () => number): Run {
  const fd = openSync(path, 'r');
  const buffer = new Uint8Array(CHUNK);
  let total = 0;
  let peakRss = 0;
  let peakHeap = 0;
  let chunks = 0;
  const start = performance.now();
  for (;;) {
    const n = readSync(fd, buffer, 0, Math.min(CHUNK, limit - total), null);
    if (n <= 0) break;
    total += n;
    onChunk(n === CHUNK ? buffer : buffer.subarray(0, n));
    if (++chunks % 256 === 0) {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }
  }
  const result = finish();
  const ms = performance.now() - start;
  closeSync(fd);
  const m = process.memoryUsage();
  return { mb: total / MB, ms, peakRss: Math.max(peakRss, m.rss), peakHeap: Math.max(peakHeap, m.heapUsed), result };
}

function floor(path: string, limit: number): Run {
  let lines = 0;
  return pass(path, limit, (chunk) => {
    const b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let i = 0;
    while ((i = b.indexOf(10, i)) !== -1) {
      lines++;
      i++;
    }
  }, () => lines);
}

function detect(path: string, limit: number): Run {
  const detector = new StreamDetector({ foldWindowMs: Infinity });
  return pass(path, limit, (chunk) => void detector.write(chunk), () => {
    detector.end();
    return detector.snapshot().reduce((n, i) => n + i.count, 0);
  });
}

const fmt = (bytes: number): string => `${(bytes / MB).toFixed(0)} MB`;

function main(): void {
  mkdirSync(DATA_DIR, { recursive: true });
  const path = join(DATA_DIR, `terminal-${SIZE_MB}mb.log`);
  generate(path, SIZE_MB * MB);
  const size = statSync(path).size;
  const gc = (globalThis as { gc?: () => void }).gc;
  // Warm up both paths (JIT, page cache), then measure; median of three (a shared machine is noisy).
  floor(path, 8 * MB);
  detect(path, 8 * MB);
  const median = (f: () => Run): Run => [f(), f(), f()].sort((a, b) => a.ms - b.ms)[1];
  const fl = median(() => floor(path, size));
  gc?.();
  const quarter = detect(path, size / 4);
  gc?.();
  const full = median(() => detect(path, size));
  const rate = (r: Run): number => r.mb / (r.ms / 1000);
  process.stdout.write(`input: ${fmt(size)} terminal log (ANSI colours, \\r progress bars, OSC 633 markers, ~1 error line in 1000)\n`);
  process.stdout.write(`floor (line ends only): ${rate(fl).toFixed(0)} MB/s  (${fl.result} lines)\n`);
  process.stdout.write(`detection end to end:   ${rate(full).toFixed(0)} MB/s  (${full.result} failures)\n`);
  process.stdout.write(`ratio floor/detection:  ${(rate(fl) / rate(full)).toFixed(2)}x\n`);
  process.stdout.write(`peak memory, 1/4 input: rss ${fmt(quarter.peakRss)}, heap ${fmt(quarter.peakHeap)}\n`);
  process.stdout.write(`peak memory, full:      rss ${fmt(full.peakRss)}, heap ${fmt(full.peakHeap)}\n`);
}

main();
