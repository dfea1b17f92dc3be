/**
 * The literal prefilter: a q-gram sampler over raw bytes. Each rule keyword (case-folded,
 * UTF-8) contributes `stride` consecutive 4-byte grams (its rarest window) to a 2^20-bit
 * table; the scanner hashes one 4-byte word every `stride` bytes, which is enough to see
 * any keyword of at least `stride + 3` bytes. Lines without a hit are never decoded,
 * stripped or matched.
 */

const FOLD = 0x20202020;
const GRAM = 4;
const TABLE_BITS = 20;
// Bytes frequent in ordinary output (folded): grams made of them flag too many lines.
const COMMON = new Set([...'etaoinsrhldcu :/.-_0123456789'].map((c) => c.charCodeAt(0) | 0x20));

// Words everywhere in ordinary build, test and server output: a keyword window avoids their grams.
const ORDINARY = ' info warn warning error debug trace server service started starting compiled compiling successfully success'
  + ' name table content context complete completed http https request response connection connected connecting connect'
  + ' test tests passed failed build package packages module modules import export function object string number value'
  + ' default version install installed download downloading update updated added audited found with from this that there'
  + ' the and for not can could into when while which will would should have has been being were was time times timeout'
  + ' listening listen port host localhost address local remote network socket client message messages available able'
  + ' running process processing waiting loading loaded reading writing open close closed check checking create created'
  + ' started on based on served over server observer never ever assets asset associated assign getinfo info nfo'
  + ' result results return application config configuration file files path line lines source target type types user ';

function ordinaryGrams(): Set<number> {
  const set = new Set<number>();
  const bytes = new TextEncoder().encode(ORDINARY);
  for (let i = 0; i + GRAM <= bytes.length; i++) set.add(((bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) | FOLD) >>> 0);
  return set;
}

function hashWord(word: number): number {
  return Math.imul(word | FOLD, 0x9e3779b1) >>> (32 - TABLE_BITS);
}

/** Compiled keyword grams and the sampling stride. */
export class ByteFilter {
  private readonly bits = new Uint8Array(1 << (TABLE_BITS - 3));
  readonly stride: number;

  constructor(keywords: readonly string[]) {
    const encoder = new TextEncoder();
    // A keyword that contains another adds nothing: every line with it also has the shorter one.
    const folded = [...new Set(keywords.map((k) => k.toLowerCase()))];
    const minimal = folded.filter((k) => !folded.some((other) => other !== k && k.includes(other)));
    const encoded = minimal.map((k) => encoder.encode(k).map((b) => b | 0x20));
    const shortest = encoded.reduce((n, b) => Math.min(n, b.length), Infinity);
    this.stride = Math.max(1, Math.min(8, (Number.isFinite(shortest) ? shortest : GRAM) - GRAM + 1));
    const ordinary = ordinaryGrams();
    for (const bytes of encoded) {
      const grams = bytes.length - GRAM + 1;
      let bestStart = 0;
      let bestScore = Infinity;
      for (let w = 0; w + this.stride <= grams; w++) {
        let score = 0;
        for (let i = w; i < w + this.stride + GRAM - 1; i++) if (COMMON.has(bytes[i])) score++;
        for (let i = w; i < w + this.stride; i++) {
          const word = ((bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) | FOLD) >>> 0;
          if (ordinary.has(word)) score += 8;
        }
        if (score < bestScore) {
          bestScore = score;
          bestStart = w;
        }
      }
      for (let i = bestStart; i < bestStart + this.stride; i++) {
        const word = (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) >>> 0;
        const h = hashWord(word);
        this.bits[h >>> 3] |= 1 << (h & 7);
      }
    }
  }

  /** First sampled position in [from, to) whose 4-byte gram may belong to a keyword, or -1. */
  find(view: DataView, from: number, to: number): number {
    const bits = this.bits;
    const stride = this.stride;
    const last = to - GRAM;
    for (let i = from; i <= last; i += stride) {
      const h = Math.imul(view.getUint32(i, true) | FOLD, 0x9e3779b1) >>> (32 - TABLE_BITS);
      if ((bits[h >>> 3] & (1 << (h & 7))) !== 0) return i;
    }
    return -1;
  }
}
