/**
 * Text from the input (error output, hosts, banners, file names) on its way to
 * a terminal: every control character is shown as a visible `\uXXXX` escape,
 * so no input can move the cursor, clear the screen, set the title, ring the
 * bell or plant a hyperlink (C0, DEL and the 8-bit C1 controls such as U+009B CSI).
 */

// C0 except tab, DEL, C1, and the bidirectional and line-separator marks that reorder or split what is shown.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function visible(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** One line of input made safe for a terminal: controls become visible `\uXXXX` escapes. */
export function sanitizeForTerminal(text: string): string {
  return text.replace(UNSAFE, visible);
}

/** Several lines: each line sanitized, the line breaks kept. */
export function sanitizeLines(text: string): string {
  return text
    .split(/\r?\n/)
    .map(sanitizeForTerminal)
    .join('\n');
}

/** JSON for a terminal: JSON.stringify leaves DEL, C1 and U+2028/9 raw; they are escaped too (still valid JSON). */
export function jsonForTerminal(value: unknown): string {
  return JSON.stringify(value).replace(/[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, visible);
}
