/**
 * Deterministic inputs shared by the benchmarks, written once under bench/.data/ and reused:
 * a realistic terminal log (ANSI colours, `\r` progress bars, OSC 633 markers, about one
 * failure line in a thousand) and a log of distinct failures (every line a different peer).
 */
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const MB = 1 << 20;
export const DATA_DIR = join(__dirname, '.data');

/** Deterministic pseudo-random numbers (LCG), so every run scans the same log. */
export function random(seed: number): () => number {
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

/** Writes lines from `next` (in batches) until the file holds `bytes` bytes or `next` returns null. */
function writeLines(path: string, bytes: number, next: (n: number) => string | null): void {
  mkdirSync(DATA_DIR, { recursive: true });
  const fd = openSync(path, 'w');
  let written = 0;
  let n = 0;
  let batch: string[] = [];
  let line: string | null = '';
  while (written < bytes && line !== null) {
    line = next(n++);
    if (line !== null) batch.push(line);
    if (batch.length === 4096 || (line === null && batch.length > 0)) {
      written += writeSync(fd, `${batch.join('\n')}\n`);
      batch = [];
    }
  }
  closeSync(fd);
}

/** The terminal log of at least `mb` MB (generated on first use); returns its path. */
export function terminalLog(mb: number): string {
  const path = join(DATA_DIR, `terminal-${mb}mb.log`);
  if (existsSync(path) && statSync(path).size >= mb * MB) return path;
  const rnd = random(42);
  writeLines(path, mb * MB, (n) => (rnd() < 0.001 ? ERRORS[n % ERRORS.length] : normalLine(rnd, n)));
  return path;
}

/** `count` failure lines, each about a different peer (so none folds into another); returns its path. */
export function distinctFailuresLog(count: number): string {
  const path = join(DATA_DIR, `distinct-${count}.log`);
  if (existsSync(path) && statSync(path).size > 0) return path;
  const wordings = [
    (h: string, p: number) => `Error: connect ECONNREFUSED ${h}:${p}`,
    (h: string, p: number) => `dial tcp ${h}:${p}: i/o timeout`,
    (h: string, p: number) => `curl: (7) Failed to connect to ${h} port ${p} after 0 ms: Connection refused`,
    (h: string, p: number) => `read tcp 10.0.0.1:40000->${h}:${p}: read: connection reset by peer`,
  ];
  writeLines(path, Infinity, (n) => {
    if (n >= count) return null;
    const host = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    return wordings[n % wordings.length](host, 1024 + (n % 50000));
  });
  return path;
}

/** Median of a list of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}
