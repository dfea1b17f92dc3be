/**
 * Turns one raw output line into what a terminal shows on it: a carriage return goes back to the
 * line start and what follows overwrites it (a progress bar redraws; a shorter redraw leaves the
 * longer one's tail), carriage returns right before the line feed keep the line (`\r\n`,
 * `\r\r\n`), backspace and CSI G/`/C/a/D move the cursor, CSI K erases, and every other ANSI/VT
 * escape sequence is dropped. One cell per code point; moves to other lines are ignored (a line is
 * rendered on its own). Linear in the line, and lines without CR, BS or a cursor move are not copied
 * cell by cell.
 */

const ESC = 0x1b;
const BEL = 0x07;
const BS = 0x08;
const CSI = 0x5b;
const LF = 0x0a;
const CR = 0x0d;

/** The visible text of a raw line (no line feed), capped to its last `maxLength` characters. */
export function visibleText(raw: string, maxLength: number): string {
  let end = raw.length;
  while (end > 0 && raw.charCodeAt(end - 1) === CR) end--;
  let text = end === raw.length ? raw : raw.slice(0, end);
  // Most lines hold no control character at all: native searches, no copy.
  if (text.indexOf('\r') !== -1 || text.indexOf('\b') !== -1) text = render(text);
  else if (text.indexOf('\x1b') !== -1) text = stripUnlessCursor(text) ?? render(text);
  return text.length > maxLength ? text.slice(text.length - maxLength) : text;
}

/** Whether a CSI final byte moves the cursor along the line or erases it (what render() models). */
function isLineEdit(final: number): boolean {
  // K erase in line, G and ` column absolute, C and a forward, D backward.
  return final === 0x4b || final === 0x47 || final === 0x60 || final === 0x43 || final === 0x61 || final === 0x44;
}

/** stripEscapes, or null as soon as an escape edits the line (then the line needs render()). */
function stripUnlessCursor(text: string): string | null {
  let out = '';
  let copyFrom = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (text.charCodeAt(i) !== ESC) {
      i++;
      continue;
    }
    out += text.slice(copyFrom, i);
    const at = i;
    i = skipEscape(text, i);
    if (text.charCodeAt(at + 1) === CSI && isLineEdit(text.charCodeAt(i - 1))) return null;
    copyFrom = i;
  }
  return out + text.slice(copyFrom);
}

// render()'s cells, reused from line to line and grown as needed. A cell is visible when it was
// written in this call (stamp > callStart) after every erase that covers it; erases are recorded in
// O(1) per sequence (the latest stamp of an erase from column c rightwards / leftwards, in a bucket
// per column) and resolved in one pass at the end, so no input makes rendering quadratic.
let cells = new Uint32Array(256);
let stamps = new Float64Array(256);
let eraseRight = new Float64Array(257);
let eraseLeft = new Float64Array(257);
let clock = 0;

function ensureCells(size: number): void {
  if (cells.length >= size) return;
  const next = Math.max(size, 2 * cells.length);
  cells = new Uint32Array(next);
  stamps = new Float64Array(next);
  eraseRight = new Float64Array(next + 1);
  eraseLeft = new Float64Array(next + 1);
}

/**
 * The line as a terminal leaves it. The cursor never goes past the number of characters read so
 * far, so the result is never longer than the input (a `CSI 99999 C` allocates nothing).
 */
function render(text: string): string {
  const n = text.length;
  ensureCells(n + 1);
  const callStart = clock;
  let col = 0;
  let width = 0;
  let eraseAll = 0;
  let leftTop = -1;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === CR) {
      col = 0;
      i++;
    } else if (c === BS) {
      if (col > 0) col--;
      i++;
    } else if (c === ESC) {
      if (i + 1 < n && text.charCodeAt(i + 1) === CSI) {
        // Parameter: the first number only (each sequence modelled takes one).
        let j = i + 2;
        let param = -1;
        let more = true;
        let final = -1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === CR) break;
          j++;
          if (d >= 0x40 && d <= 0x7e) {
            final = d;
            break;
          }
          if (d === 0x3b) more = false;
          else if (more && d >= 0x30 && d <= 0x39 && param < 1e6) param = (param < 0 ? 0 : param * 10) + (d - 0x30);
        }
        i = j;
        const count = param <= 0 ? 1 : param;
        if (final === 0x4b) {
          const t = ++clock;
          if (param === 2) eraseAll = t;
          else if (param === 1) {
            eraseLeft[col] = t;
            if (col > leftTop) leftTop = col;
          } else eraseRight[col] = t;
        } else if (final === 0x47 || final === 0x60) col = Math.min(count - 1, i);
        else if (final === 0x43 || final === 0x61) col = Math.min(col + count, i);
        else if (final === 0x44) col = Math.max(col - count, 0);
      } else {
        i = skipEscapeTo(text, i);
      }
    } else {
      let cp = c;
      i++;
      if (c >= 0xd800 && c <= 0xdbff && i < n && (text.charCodeAt(i) & 0xfc00) === 0xdc00) {
        cp = ((c - 0xd800) << 10) + (text.charCodeAt(i) - 0xdc00) + 0x10000;
        i++;
      }
      cells[col] = cp;
      stamps[col] = ++clock;
      col++;
      if (col > width) width = col;
    }
  }
  // Latest erase covering each cell: rightward erases from any column <= i, leftward from any >= i.
  let right = callStart;
  let last = -1;
  for (let k = leftTop - 1; k >= 0; k--) if (eraseLeft[k + 1] > eraseLeft[k]) eraseLeft[k] = eraseLeft[k + 1];
  for (let k = 0; k < width; k++) {
    if (eraseRight[k] > right) right = eraseRight[k];
    let erased = right > eraseAll ? right : eraseAll;
    if (k <= leftTop && eraseLeft[k] > erased) erased = eraseLeft[k];
    if (stamps[k] > callStart && stamps[k] > erased) last = k;
    else stamps[k] = 0; // blank: read back as a space below
  }
  let out = '';
  for (let k = 0; k <= last; k += CHUNK) {
    const to = Math.min(k + CHUNK, last + 1);
    for (let m = k; m < to; m++) if (stamps[m] === 0) cells[m] = 0x20;
    out += String.fromCodePoint.apply(null, cells.subarray(k, to) as unknown as number[]);
  }
  return out;
}

/** Code points per String.fromCodePoint call (its arguments live on the stack). */
const CHUNK = 4096;

/** skipEscape that stops at a carriage return, as the byte parser does (render() executes the CR). */
function skipEscapeTo(text: string, start: number): number {
  const end = skipEscape(text, start);
  for (let k = start + 1; k < end; k++) if (text.charCodeAt(k) === CR) return k;
  return end;
}

/** Removes CSI, OSC (BEL or ST terminated, e.g. VS Code's `ESC ] 633 ; ... BEL`) and two-byte escapes. */
export function stripEscapes(text: string): string {
  let out = '';
  let copyFrom = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (text.charCodeAt(i) !== ESC) {
      i++;
      continue;
    }
    out += text.slice(copyFrom, i);
    i = skipEscape(text, i);
    copyFrom = i;
  }
  return out + text.slice(copyFrom);
}

/** Index just past the escape sequence that starts at `start` (an ESC). */
function skipEscape(text: string, start: number): number {
  const n = text.length;
  let i = start + 1;
  if (i >= n) return n;
  const kind = text.charCodeAt(i);
  if (kind === 0x5b) {
    // CSI: parameter and intermediate bytes, then one final byte in @..~.
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      i++;
      if (c >= 0x40 && c <= 0x7e) break;
    }
    return i;
  }
  if (kind === 0x5d || kind === 0x50 || kind === 0x5f || kind === 0x5e) {
    // OSC, DCS, APC, PM: a string ended by BEL or ST (ESC \).
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === BEL) return i + 1;
      if (c === ESC) return i + 1 < n && text.charCodeAt(i + 1) === 0x5c ? i + 2 : i + 1;
      i++;
    }
    return n;
  }
  if (kind >= 0x20 && kind <= 0x2f) return i + 1 < n ? skipChar(text, i + 1) : n; // ESC ( B and friends
  return skipChar(text, i);
}

/** Index past the character at text[i]: a whole surrogate pair, never half of one. */
function skipChar(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? i + 2 : i + 1;
}

/**
 * Byte-level skipEscape over UTF-8 (the grammar's bytes are ASCII, which never occur inside a
 * multi-byte character): index just past the escape that starts at data[start] (an ESC). It stops
 * at a line feed, and at a carriage return, where visibleText starts afresh.
 */
export function skipEscapeBytes(data: Uint8Array, start: number, to: number): number {
  let i = start + 1;
  if (i >= to) return to;
  const kind = data[i];
  if (kind === LF || kind === CR) return i;
  if (kind === 0x5b) {
    i++;
    while (i < to) {
      const c = data[i];
      if (c === LF || c === CR) return i;
      i++;
      if (c >= 0x40 && c <= 0x7e) break;
    }
    return i;
  }
  if (kind === 0x5d || kind === 0x50 || kind === 0x5f || kind === 0x5e) {
    i++;
    while (i < to) {
      const c = data[i];
      if (c === LF || c === CR) return i;
      if (c === BEL) return i + 1;
      if (c === ESC) return i + 1 < to && data[i + 1] === 0x5c ? i + 2 : i + 1;
      i++;
    }
    return to;
  }
  if (kind >= 0x20 && kind <= 0x2f) {
    i++;
    return i < to && data[i] !== LF && data[i] !== CR ? skipCharBytes(data, i, to) : i;
  }
  return skipCharBytes(data, i, to);
}

/** Index past the UTF-8 character at data[i]: the string parser skips characters, not bytes. */
function skipCharBytes(data: Uint8Array, i: number, to: number): number {
  let j = i + 1;
  if (data[i] >= 0xc0) while (j < to && (data[j] & 0xc0) === 0x80) j++;
  return j;
}

/**
 * The visible bytes of one raw line data[from, to) (no line feed), written to `out`: visibleText's
 * rules on bytes. Lines that only need escapes stripped are stripped without decoding; a line with
 * a carriage return, a backspace or a cursor move is decoded and rendered (rare: the prefilter's
 * second look). Returns how many bytes were written; a result longer than `out` keeps its end.
 */
export function visibleBytes(data: Uint8Array, from: number, to: number, out: Uint8Array): number {
  let end = to;
  while (end > from && data[end - 1] === CR) end--;
  let n = 0;
  let i = from;
  while (i < end) {
    const c = data[i];
    if (c === ESC) {
      const next = skipEscapeBytes(data, i, end);
      if (data[i + 1] === CSI && next > i + 2 && isLineEdit(data[next - 1])) return renderBytes(data, from, end, out);
      i = next;
      continue;
    }
    if (c === CR || c === BS) return renderBytes(data, from, end, out);
    out[n++] = c;
    i++;
  }
  return n;
}

const utf8Decoder = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

function renderBytes(data: Uint8Array, from: number, end: number, out: Uint8Array): number {
  const bytes = utf8Encoder.encode(visibleText(utf8Decoder.decode(data.subarray(from, end)), Infinity));
  if (bytes.length <= out.length) {
    out.set(bytes);
    return bytes.length;
  }
  let start = bytes.length - out.length;
  while (start < bytes.length && (bytes[start] & 0xc0) === 0x80) start++;
  out.set(bytes.subarray(start));
  return bytes.length - start;
}
