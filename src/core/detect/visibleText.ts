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
  if (kind >= 0x20 && kind <= 0x2f) return Math.min(n, i + 2); // ESC ( B and friends
  return i + 1;
}
