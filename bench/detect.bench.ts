/**
 * In-process detection on a large realistic terminal log, against the floor measured in the same
 * run (one pass that only finds line ends), peak memory at two input sizes, and the cost per MB
 * with 1x, 2x and 3x the rules (the extra rules are synthesised from the real ones with mutated
 * letters, so the prefilter really holds 2x and 3x the keywords). Prints figures (median of three
 * runs); asserts nothing. Sizes: DETECT_BENCH_MB (default 100), DETECT_FLAT_MB (default 32).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { StreamDetector } from '../src/core/detect/stream';
import { RuleMatcher } from '../src/core/detect/matcher';
import { RULE_FILES } from '../src/core/detect/ruleFiles';
import type { RuleFile } from '../src/core/knowledge/ruleSchema';
import { MB, median, terminalLog } from './logs';

const SIZE_MB = Number(process.env.DETECT_BENCH_MB ?? 100);
const FLAT_MB = Number(process.env.DETECT_FLAT_MB ?? 32);
const CHUNK = 64 * 1024;

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

function detect(path: string, limit: number, matcher?: RuleMatcher): Run {
  const detector = new StreamDetector({ foldWindowMs: Infinity, ...(matcher ? { matcher } : {}) });
  return pass(path, limit, (chunk) => void detector.write(chunk), () => {
    detector.end();
    return detector.snapshot().reduce((n, i) => n + i.count, 0);
  });
}

/** A letter or digit moved `k` steps along its alphabet (case kept); anything else unchanged. */
function shift(ch: string, k: number): string {
  const c = ch.charCodeAt(0);
  if (c >= 97 && c <= 122) return String.fromCharCode(97 + ((c - 97 + 7 * k) % 26));
  if (c >= 65 && c <= 90) return String.fromCharCode(65 + ((c - 65 + 7 * k) % 26));
  if (c >= 48 && c <= 57) return String.fromCharCode(48 + ((c - 48 + 3 * k) % 10));
  return ch;
}

/**
 * Copy `k` of a keyword: every third character mutated (from offset k - 1), so that every 4-byte
 * gram of it differs from the real keyword's and from the other copies'.
 */
function mutate(keyword: string, k: number): string {
  return [...keyword].map((ch, i) => (i % 3 === (k - 1) % 3 ? shift(ch, k) : ch)).join('');
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The bundled rules plus `factor - 1` synthetic copies of each, with distinct keywords. */
function scaledRules(factor: number): RuleMatcher {
  const files = RULE_FILES.map((f) => ({ name: f.name, data: f.data }));
  for (let k = 1; k < factor; k++) {
    for (const file of RULE_FILES) {
      const data = file.data as RuleFile;
      const rules = data.rules.map((r) => {
        const keywords = r.keywords.map((kw) => mutate(kw, k));
        return { ...r, id: `${r.id}-x${k}`, keywords, patterns: keywords.map(escapeRegExp), ignoreCase: true };
      });
      files.push({ name: `${file.name.replace(/\.json$/, '')}-x${k}.json`, data: { ...data, rules } });
    }
  }
  return new RuleMatcher(files);
}

const fmt = (bytes: number): string => `${(bytes / MB).toFixed(0)} MB`;
const rate = (r: Run): number => r.mb / (r.ms / 1000);

function main(): void {
  const path = terminalLog(SIZE_MB);
  const size = Math.min(statSync(path).size, SIZE_MB * MB);
  const gc = (globalThis as { gc?: () => void }).gc;
  // Warm up both paths (JIT, page cache), then measure; median of three (a shared machine is noisy).
  floor(path, 8 * MB);
  detect(path, 8 * MB);
  const fl = [floor(path, size), floor(path, size), floor(path, size)].sort((a, b) => a.ms - b.ms)[1];
  gc?.();
  const quarter = detect(path, size / 4);
  gc?.();
  const full = [detect(path, size), detect(path, size), detect(path, size)].sort((a, b) => a.ms - b.ms)[1];
  process.stdout.write(`input: ${fmt(size)} terminal log (ANSI colours, \\r progress bars, OSC 633 markers, ~1 error line in 1000)\n`);
  process.stdout.write(`floor (line ends only):   ${rate(fl).toFixed(0)} MB/s  (${fl.result} lines)\n`);
  process.stdout.write(`detection end to end:     ${rate(full).toFixed(0)} MB/s  (${full.result} failures)\n`);
  process.stdout.write(`ratio detection/floor:    ${(rate(fl) / rate(full)).toFixed(2)}x  (target <= 5x)\n`);
  process.stdout.write(`peak memory, 1/4 input:   rss ${fmt(quarter.peakRss)}, heap ${fmt(quarter.peakHeap)}\n`);
  process.stdout.write(`peak memory, full:        rss ${fmt(full.peakRss)}, heap ${fmt(full.peakHeap)}\n`);

  // Flat cost: the same log with 1x, 2x and 3x the rules, runs interleaved so load hits all alike.
  const flat = Math.min(size, FLAT_MB * MB);
  const matchers = [1, 2, 3].map((f) => ({ factor: f, matcher: scaledRules(f) }));
  const times = new Map<number, number[]>(matchers.map((m) => [m.factor, []]));
  const found = new Map<number, number>();
  for (const m of matchers) detect(path, 4 * MB, m.matcher);
  for (let i = 0; i < 3; i++) {
    for (const m of matchers) {
      const r = detect(path, flat, m.matcher);
      times.get(m.factor)?.push(r.ms / r.mb);
      found.set(m.factor, r.result);
    }
  }
  process.stdout.write(`flat cost (${fmt(flat)} of the same log, median of 3, ms per MB; the prefilter's keywords and registered grams):\n`);
  const base = median(times.get(1) ?? []);
  for (const m of matchers) {
    const perMb = median(times.get(m.factor) ?? []);
    const s = m.matcher.byteFilter.stats();
    process.stdout.write(
      `  ${m.factor}x rules (${String(m.matcher.rules.length).padStart(4)} rules, ${String(s.keywords).padStart(4)} keywords, ${String(s.grams).padStart(5)} grams): ` +
        `${perMb.toFixed(2)} ms/MB  ratio to 1x ${(perMb / base).toFixed(2)}  (${found.get(m.factor)} failures)\n`,
    );
  }
}

main();
