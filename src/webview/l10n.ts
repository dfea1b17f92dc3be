/**
 * The page's translations: the host sends the table (every string through
 * `vscode.l10n.t`) with its first state after `ready`; until then, and for any
 * key it lacks, the English source string is shown. Output is plain text or
 * nodes for dom.ts, never HTML.
 */
import { STRINGS, formatString, readStrings, splitTemplate } from '../shared/strings';
import type { StringKey } from '../shared/strings';
import type { Child } from './dom';

let table: Partial<Record<StringKey, string>> = {};

/** Takes a table from a message or from saved state (validated: unknown keys and non-strings are dropped). */
export function setStrings(raw: unknown): void {
  const read = readStrings(raw);
  if (Object.keys(read).length > 0) table = read;
}

/** The table in use, to keep with setState so a re-shown page speaks the same language at once. */
export function currentStrings(): Partial<Record<StringKey, string>> {
  return table;
}

function template(key: StringKey): string {
  return table[key] ?? STRINGS[key];
}

/** The translated string of `key`, with `{0}`, `{1}`, ... filled in as text. */
export function t(key: StringKey, ...args: (string | number)[]): string {
  return formatString(template(key), args);
}

/** Like {@link t}, but the arguments may be nodes (a `<code>` target, ...): returns children for dom.ts. */
export function tNodes(key: StringKey, ...args: Child[]): Child[] {
  return splitTemplate(template(key)).map((part) => (typeof part === 'string' ? part : (args[part] ?? `{${part}}`)));
}
