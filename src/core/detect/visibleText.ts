/**
 * Turns one raw output line into what a terminal shows: the text after the last bare
 * carriage return (progress bars redraw the line), without ANSI/VT escape sequences.
 */

const ESC = 0x1b;
const BEL = 0x07;

/** The visible text of a raw line (no line feed), capped to its last `maxLength` characters. */
export function visibleText(raw: string, maxLength: number): string {
  let text = raw;
  if (text.length > 0 && text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
  const cr = text.lastIndexOf('\r');
  if (cr !== -1) text = text.slice(cr + 1);
  // Stripping costs a character loop, so it only runs where an ESC byte occurs.
  if (text.indexOf('\x1b') !== -1) text = stripEscapes(text);
  return text.length > maxLength ? text.slice(text.length - maxLength) : text;
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

const LF = 0x0a;
const CR = 0x0d;

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
 * The visible bytes of one raw line data[from, to) (no line feed), written to `out` (at least
 * to - from long): visibleText's carriage-return and escape rules on bytes, without decoding.
 * Returns how many bytes were written.
 */
export function visibleBytes(data: Uint8Array, from: number, to: number, out: Uint8Array): number {
  const end = to > from && data[to - 1] === CR ? to - 1 : to;
  let n = 0;
  let i = from;
  while (i < end) {
    const c = data[i];
    if (c === ESC) {
      i = skipEscapeBytes(data, i, end);
      continue;
    }
    if (c === CR) n = 0;
    else out[n++] = c;
    i++;
  }
  return n;
}
