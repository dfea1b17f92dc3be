/**
 * The literal prefilter: a q-gram sampler over raw bytes. Every rule keyword (case-folded,
 * UTF-8) puts its 4-byte grams in a 64K table; the scanner hashes one 4-byte word every
 * `stride` bytes, which is enough to see any keyword of at least `stride + 3` bytes.
 * Lines without a hit are never decoded, stripped or matched.
 */

const FOLD = 0x20202020;
const GRAM = 4;

function hashWord(word: number): number {
  return Math.imul(word | FOLD, 0x9e3779b1) >>> 16;
}

/** Compiled keyword grams and the sampling stride. */
export class ByteFilter {
  private readonly table = new Uint8Array(65536);
  readonly stride: number;

  constructor(keywords: readonly string[]) {
    const encoder = new TextEncoder();
    let shortest = Infinity;
    for (const keyword of keywords) {
      const bytes = encoder.encode(keyword);
      shortest = Math.min(shortest, bytes.length);
      for (let i = 0; i + GRAM <= bytes.length; i++) {
        const word = (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) >>> 0;
        this.table[hashWord(word)] = 1;
      }
    }
    this.stride = Math.max(1, Math.min(8, (Number.isFinite(shortest) ? shortest : GRAM) - GRAM + 1));
  }

  /** First sampled position in [from, to) whose 4-byte gram may belong to a keyword, or -1. */
  find(view: DataView, from: number, to: number): number {
    const table = this.table;
    const stride = this.stride;
    const last = to - GRAM;
    for (let i = from; i <= last; i += stride) {
      if (table[Math.imul(view.getUint32(i, true) | FOLD, 0x9e3779b1) >>> 16] !== 0) return i;
    }
    // The tail shorter than a gram cannot hold a keyword that the sampling above missed.
    return -1;
  }
}
