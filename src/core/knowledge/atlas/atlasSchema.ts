/**
 * The error atlas (src/core/knowledge/atlas/*.json): every connection-failure message a program
 * can print, read from that program's own source, with a rendered fixture. The detection rules
 * (rules/*.json) are derived from it by hand and checked against it by test/unit/knowledge/atlas.test.ts.
 * The atlas is reference data for tests and the README: it is not bundled into the extension.
 */
import { CATEGORIES } from '../../types';
import type { Category } from '../../types';

/** What a message carries about the peer and the failure. */
export const ATLAS_FIELDS = ['host', 'port', 'url', 'errno', 'syscall', 'address'] as const;
export type AtlasField = (typeof ATLAS_FIELDS)[number];

/** One message a program prints for a connection failure. */
export interface AtlasEntry {
  /** Stable id, `ecosystem.program.name`. */
  id: string;
  /** The program or library that prints it (`CPython http.client`, `libpq`). */
  program: string;
  /** The message as its source writes it; `%s`, `{host}`, `${port}` mark the filled-in parts. */
  message: string;
  /** Where it was read: `owner/repo path[:line]` or an official documentation URL. */
  source: string;
  /** The versions the wording applies to (`>= 3.5`, `1.x`, `2.x`, `all`). */
  versions: string;
  category: Category;
  /** Which parts of the peer or failure the message itself carries. */
  fields: AtlasField[];
  /** Id of the detection rule that catches it. */
  rule: string;
  /** The message rendered as the program prints it, with a realistic peer; may span lines. */
  fixture: string;
  /** The peer a reader would take from the fixture (null when the message names none). */
  host: string | null;
  port: number | null;
  /** Why the target extraction does not yet find this message's peer (owned by target extraction). */
  targetGap?: string;
}

/** Text that looks like a failure of this ecosystem and is not one. */
export interface AtlasNegative {
  text: string;
  /** What it is (test-runner timeout, configuration key, …). */
  why: string;
  /** Where such text comes from. */
  source: string;
}

/** One atlas file: one ecosystem. */
export interface AtlasFile {
  $schema?: string;
  ecosystem: string;
  /** How the README names the ecosystem and the programs covered. */
  title: string;
  entries: AtlasEntry[];
  negatives?: AtlasNegative[];
}

const ENTRY_KEYS = new Set(['id', 'program', 'message', 'source', 'versions', 'category', 'fields', 'rule', 'fixture', 'host', 'port', 'targetGap']);
const NEGATIVE_KEYS = new Set(['text', 'why', 'source']);
const ID_RE = /^[a-z0-9-]+(?:\.[a-z0-9_-]+)+$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

/** Checks a parsed atlas file; returns one message per problem, each naming the file and the field. */
export function validateAtlasFile(value: unknown, fileName: string): string[] {
  const errors: string[] = [];
  const fail = (field: string, message: string): void => {
    errors.push(`${fileName}: ${field}: ${message}`);
  };
  if (!isObject(value)) return [`${fileName}: (root): must be an object`];
  for (const key of ['ecosystem', 'title'] as const) if (!nonEmpty(value[key])) fail(key, 'must be a non-empty string');
  if (!Array.isArray(value.entries) || value.entries.length === 0) {
    fail('entries', 'must be a non-empty array');
    return errors;
  }
  value.entries.forEach((entry: unknown, i: number) => validateEntry(entry, `entries[${i}]`, fail));
  if (value.negatives !== undefined) {
    if (!Array.isArray(value.negatives)) fail('negatives', 'must be an array');
    else value.negatives.forEach((n: unknown, i: number) => validateNegative(n, `negatives[${i}]`, fail));
  }
  return errors;
}

function validateEntry(entry: unknown, at: string, fail: (field: string, message: string) => void): void {
  if (!isObject(entry)) {
    fail(at, 'must be an object');
    return;
  }
  for (const key of Object.keys(entry)) if (!ENTRY_KEYS.has(key)) fail(`${at}.${key}`, 'unknown field');
  if (typeof entry.id !== 'string' || !ID_RE.test(entry.id)) fail(`${at}.id`, 'must look like family.name (lower case)');
  for (const key of ['program', 'message', 'source', 'versions', 'rule', 'fixture'] as const) {
    if (!nonEmpty(entry[key])) fail(`${at}.${key}`, 'must be a non-empty string');
  }
  if (typeof entry.category !== 'string' || !(CATEGORIES as readonly string[]).includes(entry.category)) {
    fail(`${at}.category`, `must be one of ${CATEGORIES.join(', ')}`);
  }
  if (!Array.isArray(entry.fields) || !entry.fields.every((f) => (ATLAS_FIELDS as readonly unknown[]).includes(f))) {
    fail(`${at}.fields`, `must be an array of ${ATLAS_FIELDS.join(', ')}`);
  }
  if (entry.host !== null && !nonEmpty(entry.host)) fail(`${at}.host`, 'must be a host name or null');
  if (entry.port !== null && !(Number.isInteger(entry.port) && (entry.port as number) > 0 && (entry.port as number) < 65536)) {
    fail(`${at}.port`, 'must be a port number or null');
  }
  if (entry.targetGap !== undefined && !nonEmpty(entry.targetGap)) fail(`${at}.targetGap`, 'must be a non-empty string');
}

function validateNegative(negative: unknown, at: string, fail: (field: string, message: string) => void): void {
  if (!isObject(negative)) {
    fail(at, 'must be an object');
    return;
  }
  for (const key of Object.keys(negative)) if (!NEGATIVE_KEYS.has(key)) fail(`${at}.${key}`, 'unknown field');
  for (const key of ['text', 'why', 'source'] as const) if (!nonEmpty(negative[key])) fail(`${at}.${key}`, 'must be a non-empty string');
}
