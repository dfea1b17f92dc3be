/**
 * The shape of a detection-rule file (src/core/knowledge/rules/*.json) and its validator.
 * Rules are data: adding an error format means adding an entry here, not code.
 */
import { CATEGORIES } from '../types';
import type { Category } from '../types';

/** Shortest prefilter keyword, in UTF-8 bytes: the byte scanner samples every (length - 3)th position. */
export const MIN_KEYWORD_BYTES = 7;

/** One detection rule. */
export interface DetectionRule {
  /** Stable id, `family.name`, reported as `rule` in incidents. */
  id: string;
  category: Category;
  /** Other categories the same wording also shows (a handshake aborted by the peer is tls + closed). */
  also?: Category[];
  /** The program that prints this wording, when it is specific to one. */
  ecosystem?: string;
  /** Literal substrings (case-insensitive); a line is only matched against `patterns` if it contains one. */
  keywords: string[];
  /** Regular expressions (case-sensitive unless `ignoreCase`); any match makes the line a trigger. */
  patterns: string[];
  ignoreCase?: boolean;
  /** When several rules fire in one block, the highest priority names the category (0..100). */
  priority?: number;
  /** errno-style code the wording means; a named group `code` in a pattern overrides it. */
  code?: string;
  /** connect | read | write | getaddrinfo; a named group `syscall` overrides it. */
  syscall?: string;
}

/** A rules file: one family or ecosystem. */
export interface RuleFile {
  $schema?: string;
  family: string;
  rules: DetectionRule[];
}

const RULE_KEYS = new Set(['id', 'category', 'also', 'ecosystem', 'keywords', 'patterns', 'ignoreCase', 'priority', 'code', 'syscall']);
const ID_RE = /^[a-z0-9-]+(?:\.[a-z0-9_-]+)+$/;

function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a parsed rules file; returns one message per problem, each naming the file and the field. */
export function validateRuleFile(value: unknown, fileName: string): string[] {
  const errors: string[] = [];
  const fail = (field: string, message: string): void => {
    errors.push(`${fileName}: ${field}: ${message}`);
  };
  if (!isObject(value)) {
    fail('(root)', 'must be an object');
    return errors;
  }
  if (typeof value.family !== 'string' || value.family === '') fail('family', 'must be a non-empty string');
  if (!Array.isArray(value.rules)) {
    fail('rules', 'must be an array');
    return errors;
  }
  value.rules.forEach((rule: unknown, i: number) => validateRule(rule, `rules[${i}]`, fail));
  return errors;
}

function validateRule(rule: unknown, at: string, fail: (field: string, message: string) => void): void {
  if (!isObject(rule)) {
    fail(at, 'must be an object');
    return;
  }
  for (const key of Object.keys(rule)) if (!RULE_KEYS.has(key)) fail(`${at}.${key}`, 'unknown field');
  if (typeof rule.id !== 'string' || !ID_RE.test(rule.id)) fail(`${at}.id`, 'must look like family.name (lower case)');
  if (!isCategory(rule.category)) fail(`${at}.category`, `must be one of ${CATEGORIES.join(', ')}`);
  if (rule.also !== undefined && (!Array.isArray(rule.also) || !rule.also.every(isCategory))) fail(`${at}.also`, 'must be an array of categories');
  if (rule.ecosystem !== undefined && (typeof rule.ecosystem !== 'string' || rule.ecosystem === '')) fail(`${at}.ecosystem`, 'must be a non-empty string');
  for (const key of ['code', 'syscall'] as const) {
    if (rule[key] !== undefined && typeof rule[key] !== 'string') fail(`${at}.${key}`, 'must be a string');
  }
  if (rule.ignoreCase !== undefined && typeof rule.ignoreCase !== 'boolean') fail(`${at}.ignoreCase`, 'must be a boolean');
  if (rule.priority !== undefined && (typeof rule.priority !== 'number' || rule.priority < 0 || rule.priority > 100)) fail(`${at}.priority`, 'must be a number from 0 to 100');
  if (!Array.isArray(rule.keywords) || rule.keywords.length === 0) {
    fail(`${at}.keywords`, 'must be a non-empty array');
  } else {
    rule.keywords.forEach((k: unknown, j: number) => {
      if (typeof k !== 'string' || new TextEncoder().encode(k).length < MIN_KEYWORD_BYTES || k.includes('\n')) {
        fail(`${at}.keywords[${j}]`, `must be a single-line string of at least ${MIN_KEYWORD_BYTES} bytes`);
      }
    });
  }
  if (!Array.isArray(rule.patterns) || rule.patterns.length === 0) {
    fail(`${at}.patterns`, 'must be a non-empty array');
  } else {
    rule.patterns.forEach((p: unknown, j: number) => {
      if (typeof p !== 'string' || p === '') {
        fail(`${at}.patterns[${j}]`, 'must be a non-empty string');
        return;
      }
      try {
        new RegExp(p, rule.ignoreCase === true ? 'i' : '');
      } catch (error) {
        fail(`${at}.patterns[${j}]`, `invalid regular expression: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }
}
