/**
 * The literal prefilter over raw bytes: finds lines that contain a rule keyword (ASCII
 * case-insensitively) without decoding anything.
 *
 * Every keyword has at least 7 bytes, so it covers 4 consecutive 4-byte grams, and one of any 4
 * consecutive positions is 4-aligned. Each keyword registers its 4 rarest consecutive grams (its
 * "window", scored against a sample of ordinary output) in a 2^20-bit table; the scanner reads the
 * input as aligned 32-bit words (every byte once, no unaligned loads) and, on a table hit, verifies
 * the whole keyword in place. Ordinary text that merely shares a gram with a keyword ("rver",
 * "ed o") costs a few byte compares, never a decode. Folding is `byte | 0x20` on both sides: it maps
 * A-Z to a-z (and some punctuation together), so it admits a superset of a lower-cased comparison.
 *
 * Escape sequences can split a keyword in the raw bytes (`ECONN\x1b[0mREFUSED`). In the stripped
 * text such a keyword then has two adjacent bytes that sit on either side of an escape run in the raw
 * bytes, so `escapeSplit` walks a line's escapes and checks the visible bytes around each run
 * against a table of the keywords' pieces (up to MIN_KEYWORD bytes); only the lines it flags are
 * stripped and scanned again.
 */
import { skipEscapeBytes } from './visibleText';

const FOLD = 0x20202020;
const GRAM = 4;
/** Shortest keyword: a window of 4 grams needs 7 bytes (the rule schema enforces it too). */
const MIN_KEYWORD = 2 * GRAM - 1;
const TABLE_BITS = 20;
const HASH_MUL = 0x9e3779b1;
const LF = 0x0a;
const CR = 0x0d;
const ESC = 0x1b;

// Ordinary build, test, install and server output: windows avoid grams frequent here. Generic
// wording only (no connection failures), so that any keyword's rarest part stays rare in real logs.
const ORDINARY_SAMPLE = `
info  server started on port 8080 in development mode, listening on http://localhost:3000/
[INFO] Building application 1.0.0-SNAPSHOT; compiling 42 source files to /target/classes
INFO  o.s.b.w.embedded.tomcat.TomcatWebServer - Tomcat started on port(s): 8080 (http) with context path ''
webpack compiled successfully in 1523 ms; asset main.3f2a.js 245 KiB [emitted] [immutable] (name: main)
added 1421 packages, and audited 1422 packages in 12s; found 0 vulnerabilities; Downloading packages 45%
warning  Unexpected any. Specify a different type  @typescript-eslint/no-explicit-any; unused variable
  ✓ returns the user profile (12 ms)  ✓ rejects an invalid token  ✓ sorts the list by date (3 ms)
PASS src/components/Widget.test.tsx; Tests: 120 passed, 120 total; Snapshots: 4 passed; Time: 5.12 s
    at Object.<anonymous> (/home/dev/app/src/service.ts:12:7) at processTicksAndRejections (node:internal)
Collecting requests==2.31.0; Using cached requests-2.31.0-py3-none-any.whl; Successfully installed
Step 4/12 : RUN npm ci --omit=dev; ---> Running in 3f2a1b; Removing intermediate container; Successfully built
   Compiling serde v1.0.188; Finished dev [unoptimized + debuginfo] target(s) in 42.13s; Running tests
ok  	github.com/acme/app/internal/server	0.412s; go: downloading github.com/stretchr/testify v1.8.4
> Task :app:compileJava UP-TO-DATE; BUILD SUCCESSFUL in 8s; 5 actionable tasks: 1 executed, 4 up-to-date
debug: request GET /api/users 200 OK in 12ms; response sent; connection established; client connected
Connecting to database...; Connected to the database; migration applied; cache warmed; worker ready
Waiting for the file changes before starting compilation; Watching for file changes; Reloading
Error: expected value to be defined; TypeError: Cannot read properties of undefined (reading 'map')
remote: Enumerating objects: 45, done. Receiving objects: 100% (45/45), done. Resolving deltas: 100%
`;

// One shared scratch word for gramAt (compiling the rules reads tens of thousands of grams).
const GRAM_BYTES = new Uint8Array(4);
const GRAM_WORD = new Int32Array(GRAM_BYTES.buffer);

/** A 4-byte gram of `bytes` at `i`, folded, as the platform reads it from an Int32Array. */
function gramAt(bytes: Uint8Array, i: number): number {
  for (let j = 0; j < 4; j++) GRAM_BYTES[j] = bytes[i + j] | 0x20;
  return GRAM_WORD[0];
}

function hashWord(word: number): number {
  return Math.imul(word | FOLD, HASH_MUL) >>> (32 - TABLE_BITS);
}

/** How often each folded gram occurs in the ordinary sample. */
function ordinaryGrams(): Map<number, number> {
  const counts = new Map<number, number>();
  const bytes = new TextEncoder().encode(ORDINARY_SAMPLE);
  for (let i = 0; i + GRAM <= bytes.length; i++) {
    const g = gramAt(bytes, i);
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  return counts;
}

/** Case-folded keywords, compiled for an aligned word scan with in-place verification. */
export class ByteFilter {
  private readonly bits = new Uint8Array(1 << (TABLE_BITS - 3));
  /** Table slot -> flat pairs (keyword index, offset of the registered gram in the keyword). */
  private readonly slots = new Map<number, number[]>();
  private readonly keywords: Uint8Array[];
  /** Folded byte pairs (first << 8 | second) adjacent in some keyword. */
  private readonly pairs = new Uint8Array(1 << 16);
  /** Bloom filter (two bits per entry) of every keyword piece of 2 to MIN_KEYWORD bytes (folded, FNV-1a). */
  private readonly pieces = new Uint8Array(1 << (TABLE_BITS - 3));

  constructor(keywords: readonly string[]) {
    const encoder = new TextEncoder();
    // A keyword that contains another adds nothing: every line with it also has the shorter one.
    const folded = [...new Set(keywords.map((k) => k.toLowerCase()))];
    const minimal = folded.filter((k) => !folded.some((other) => other !== k && k.includes(other)));
    this.keywords = minimal.map((k) => encoder.encode(k).map((b) => b | 0x20));
    const short = minimal.find((k) => encoder.encode(k).length < MIN_KEYWORD);
    if (short !== undefined) throw new Error(`prefilter keyword "${short}" is shorter than ${MIN_KEYWORD} bytes`);
    for (const bytes of this.keywords) {
      for (let i = 0; i + 1 < bytes.length; i++) {
        this.pairs[(bytes[i] << 8) | bytes[i + 1]] = 1;
        for (let len = 2; len <= MIN_KEYWORD && i + len <= bytes.length; len++) {
          let h = 0x811c9dc5 ^ len;
          for (let k = i; k < i + len; k++) h = Math.imul(h ^ bytes[k], 0x01000193);
          for (const b of pieceBits(h)) this.pieces[b >>> 3] |= 1 << (b & 7);
        }
      }
    }
    const ordinary = ordinaryGrams();
    this.keywords.forEach((bytes, k) => {
      const start = rarestWindow(bytes, ordinary);
      for (let i = start; i < start + GRAM; i++) {
        const h = hashWord(gramAt(bytes, i));
        this.bits[h >>> 3] |= 1 << (h & 7);
        const list = this.slots.get(h) ?? [];
        list.push(k, i);
        this.slots.set(h, list);
      }
    });
  }

  /** Size of the prefilter: keywords kept (after dropping those containing another), grams registered, table slots used. */
  stats(): { keywords: number; grams: number; slots: number } {
    let grams = 0;
    for (const list of this.slots.values()) grams += list.length / 2;
    return { keywords: this.keywords.length, grams, slots: this.slots.size };
  }

  /**
   * Position of a keyword occurrence in data[from, to), or -1. `from` must be a line start; a
   * keyword never spans a line feed (folded LF is `*`, which no keyword contains).
   */
  find(data: Uint8Array, from: number, to: number): number {
    const base = data.byteOffset;
    const first = (base + from + 3) & ~3;
    const count = (base + to - first) >> 2;
    if (count <= 0) return -1;
    const words = new Int32Array(data.buffer, first, count);
    const bits = this.bits;
    for (let w = 0; w < count; w++) {
      const h = Math.imul(words[w] | FOLD, HASH_MUL) >>> (32 - TABLE_BITS);
      if ((bits[h >>> 3] & (1 << (h & 7))) !== 0) {
        const at = first - base + 4 * w;
        if (this.verify(data, h, at, from, to)) return at;
      }
    }
    return -1;
  }

  /**
   * Walks the escape sequences of the line data[.., lineEnd) from data[esc], its first ESC (all
   * before it on the line is visible), jumping from ESC to ESC. Returns -1 when some escape run
   * could lie inside a keyword of the stripped line (`joins`): only then can stripping reveal a
   * keyword the raw scan missed. Otherwise returns the first ESC after the line (or data.length),
   * which is where the next walk starts. Cost: the escape bytes, plus a few bytes around each run.
   */
  escapeSplit(data: Uint8Array, esc: number, lineEnd: number): number {
    // Visible bytes since `seg` (the line start or the end of an escape run: `open` when the
    // latter, as more visible bytes may lie beyond it); joins cuts them at a carriage return.
    let seg = esc;
    while (seg > 0 && esc - seg < MIN_KEYWORD && data[seg - 1] !== LF && data[seg - 1] !== CR) seg--;
    let open = false;
    let i = esc;
    for (;;) {
      const run = i;
      i = skipEscapeBytes(data, i, lineEnd);
      while (i < lineEnd && data[i] === ESC) i = skipEscapeBytes(data, i, lineEnd);
      if (i >= lineEnd) break;
      // A run with nothing visible before it (at the line start) leaves the next bytes at the line start.
      if (run > seg) {
        if (this.joins(data, seg, run, open, i, lineEnd)) return -1;
        open = true;
      }
      seg = i;
      const next = data.indexOf(ESC, i);
      if (next === -1) return data.length;
      if (next >= lineEnd) return next;
      i = next;
    }
    const next = data.indexOf(ESC, lineEnd);
    return next === -1 ? data.length : next;
  }

  /**
   * Whether a keyword can run across an escape run, given the visible bytes data[seg, run) before it
   * and those from data[i] after it. A keyword of MIN_KEYWORD bytes or more with bytes on both sides
   * holds one of the MIN_KEYWORD-byte windows that straddle the run; where a side is cut short by
   * another escape run its missing bytes are unknown, and the known part of the window is checked.
   */
  private joins(data: Uint8Array, seg: number, run: number, open: boolean, i: number, lineEnd: number): boolean {
    const c = data[i];
    if (c === CR || this.pairs[((data[run - 1] | 0x20) << 8) | (c | 0x20)] === 0) return false;
    // Usual case: four plain visible bytes on both sides, so the two first-stage windows need no bounds.
    if (run - seg >= 4 && i + 4 <= lineEnd && plain(data[run - 1]) && plain(data[run - 2]) && plain(data[run - 3]) && plain(data[run - 4]) && plain(c) && plain(data[i + 1]) && plain(data[i + 2]) && plain(data[i + 3])) {
      const left = fnv(fnv(fnv(fnv(0x811c9dc5 ^ 5, data[run - 4]), data[run - 3]), data[run - 2]), data[run - 1]);
      if (!this.hasPiece(fnv(left, c)) && !this.hasPiece(fnv(fnv(fnv(fnv(fnv(0x811c9dc5 ^ 5, data[run - 1]), c), data[i + 1]), data[i + 2]), data[i + 3]))) return false;
    }
    // Only the text after a carriage return is shown: it cuts the left side short, with nothing beyond.
    let ln = Math.min(run - seg, MIN_KEYWORD - 1);
    let lOpen = open;
    for (let k = run - 1; k >= run - ln; k--) {
      if (data[k] === CR) {
        ln = run - 1 - k;
        lOpen = false;
        break;
      }
    }
    if (ln === 0) return false;
    let rn = 1;
    while (rn < MIN_KEYWORD - 1 && i + rn < lineEnd) {
      const d = data[i + rn];
      if (d === CR || d === ESC) break;
      rn++;
    }
    const rOpen = rn < MIN_KEYWORD - 1 && i + rn < lineEnd && data[i + rn] === ESC;
    // Cheap necessary condition first: with up to 3 bytes before the run a keyword has 4 or more
    // after it (MIN_KEYWORD is 7), so it holds the 5-byte window 1+4; with 4 or more before, 4+1.
    if (!this.straddles(data, run, ln, lOpen, i, rn, rOpen, 1, 5) && !this.straddles(data, run, ln, lOpen, i, rn, rOpen, 4, 5)) return false;
    for (let a = 1; a < MIN_KEYWORD; a++) {
      if (a > ln && !lOpen) break;
      if (this.straddles(data, run, ln, lOpen, i, rn, rOpen, a, MIN_KEYWORD)) return true;
    }
    return false;
  }

  /**
   * Whether the `size`-byte window with `a` bytes before the run (data[run - a, run)) and the rest
   * from data[i] is a keyword piece; a side cut short by another escape (`open`) checks what is known.
   */
  private straddles(data: Uint8Array, run: number, ln: number, lOpen: boolean, i: number, rn: number, rOpen: boolean, a: number, size: number): boolean {
    const b = size - a;
    if ((a > ln && !lOpen) || (b > rn && !rOpen)) return false;
    const la = Math.min(a, ln);
    const rb = Math.min(b, rn);
    let h = 0x811c9dc5 ^ (la + rb);
    for (let k = run - la; k < run; k++) h = Math.imul(h ^ (data[k] | 0x20), 0x01000193);
    for (let k = i; k < i + rb; k++) h = Math.imul(h ^ (data[k] | 0x20), 0x01000193);
    return this.hasPiece(h);
  }

  /** Whether the piece with FNV-1a hash `h` may be in the set (both of its bits are set). */
  private hasPiece(h: number): boolean {
    const b1 = h >>> (32 - TABLE_BITS);
    const b2 = Math.imul(h ^ (h >>> 15), HASH_MUL) >>> (32 - TABLE_BITS);
    return (this.pieces[b1 >>> 3] & (1 << (b1 & 7))) !== 0 && (this.pieces[b2 >>> 3] & (1 << (b2 & 7))) !== 0;
  }

  /** Whether a keyword registered in slot `h` occurs with its registered gram at `at`. */
  private verify(data: Uint8Array, h: number, at: number, from: number, to: number): boolean {
    const list = this.slots.get(h);
    if (list === undefined) return false;
    for (let e = 0; e < list.length; e += 2) {
      const keyword = this.keywords[list[e]];
      const start = at - list[e + 1];
      const n = keyword.length;
      if (start < from || start + n > to) continue;
      let j = 0;
      while (j < n && (data[start + j] | 0x20) === keyword[j]) j++;
      if (j === n) return true;
    }
    return false;
  }
}

/** One folded byte into an FNV-1a hash. */
function fnv(h: number, byte: number): number {
  return Math.imul(h ^ (byte | 0x20), 0x01000193);
}

/** A byte that is neither an escape, a carriage return nor a line feed. */
function plain(byte: number): boolean {
  return byte !== ESC && byte !== CR && byte !== LF;
}

/** The two bits of the pieces Bloom filter for FNV-1a hash `h` (as ByteFilter.hasPiece reads them). */
function pieceBits(h: number): [number, number] {
  return [h >>> (32 - TABLE_BITS), Math.imul(h ^ (h >>> 15), HASH_MUL) >>> (32 - TABLE_BITS)];
}

/** Start of the 4 consecutive grams of a keyword least frequent in ordinary output. */
function rarestWindow(bytes: Uint8Array, ordinary: Map<number, number>): number {
  let bestStart = 0;
  let bestScore = Infinity;
  for (let w = 0; w + 2 * GRAM - 1 <= bytes.length; w++) {
    let score = 0;
    for (let i = w; i < w + GRAM; i++) score += ordinary.get(gramAt(bytes, i)) ?? 0;
    if (score < bestScore) {
      bestScore = score;
      bestStart = w;
    }
  }
  return bestStart;
}
