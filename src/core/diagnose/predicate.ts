/**
 * Evaluates knowledge-base predicates with three-valued logic: a leaf whose
 * probe did not run (or did not report the field) is unknown, and unknown
 * evidence neither supports nor rules out a cause.
 */
import type { Leaf, Literal, Predicate, Root } from '../knowledge/causeSchema';
import { fansOut, readPath } from './path';

/** What predicates read: each root (probe result, incident, target, facts) or undefined when unavailable. */
export type EvalRoots = Partial<Record<Root, unknown>>;

/** true, false, or null for unknown. */
export type Truth = boolean | null;

/** Outcome of a predicate, with the first value that made a leaf pass (for `{value}` in texts). */
export interface EvalResult {
  truth: Truth;
  value?: unknown;
}

/** Evaluates a predicate over the roots. */
export function evaluate(p: Predicate, roots: EvalRoots): EvalResult {
  if ('all' in p) {
    let unknown = false;
    let value: unknown;
    for (const child of p.all) {
      const r = evaluate(child, roots);
      if (r.truth === false) return { truth: false };
      if (r.truth === null) unknown = true;
      else if (value === undefined) value = r.value;
    }
    return unknown ? { truth: null } : { truth: true, value };
  }
  if ('any' in p) {
    let unknown = false;
    for (const child of p.any) {
      const r = evaluate(child, roots);
      if (r.truth === true) return r;
      if (r.truth === null) unknown = true;
    }
    return { truth: unknown ? null : false };
  }
  if ('not' in p) {
    const r = evaluate(p.not, roots);
    return { truth: r.truth === null ? null : !r.truth };
  }
  return evaluateLeaf(p, roots);
}

function evaluateLeaf(leaf: Leaf, roots: EvalRoots): EvalResult {
  const root = roots[leaf.probe];
  if (root === undefined || root === null) return { truth: null };
  // A skipped probe tells nothing beyond its status.
  if (isSkipped(root) && !leaf.path.startsWith('status')) return { truth: null };
  const values = readPath(root, leaf.path);
  const present = values.filter((v) => v !== null);
  if (leaf.op === 'exists') return { truth: present.length > 0, value: present[0] };
  if (leaf.op === 'missing') return { truth: present.length === 0 };
  if (values.length === 0) {
    // A missing scalar field is unknown; an empty fan-out is a known empty list, and
    // "every attempt was refused" is not established by zero attempts.
    return { truth: fansOut(leaf.path) ? false : null };
  }
  if (leaf.every) {
    return values.every((v) => test(leaf, v)) ? { truth: true, value: values[0] } : { truth: false };
  }
  const hit = values.find((v) => test(leaf, v));
  return hit === undefined ? { truth: false } : { truth: true, value: hit };
}

function isSkipped(root: unknown): boolean {
  return typeof root === 'object' && root !== null && (root as { status?: unknown }).status === 'skipped';
}

function test(leaf: Leaf, actual: unknown): boolean {
  const expected = leaf.value;
  switch (leaf.op) {
    case 'eq':
      return actual === expected;
    case 'ne':
      return actual !== expected;
    case 'in':
      return Array.isArray(expected) && expected.includes(actual as Literal);
    case 'nin':
      return Array.isArray(expected) && !expected.includes(actual as Literal);
    case 'includes':
      if (Array.isArray(actual)) return actual.includes(expected);
      return typeof actual === 'string' && typeof expected === 'string' && actual.includes(expected);
    case 'gt':
      return typeof actual === 'number' && typeof expected === 'number' && actual > expected;
    case 'gte':
      return typeof actual === 'number' && typeof expected === 'number' && actual >= expected;
    case 'lt':
      return typeof actual === 'number' && typeof expected === 'number' && actual < expected;
    case 'lte':
      return typeof actual === 'number' && typeof expected === 'number' && actual <= expected;
    case 'matches':
      // Literal, case-insensitive substring: data never supplies a regular expression.
      return typeof actual === 'string' && typeof expected === 'string' && actual.toLowerCase().includes(expected.toLowerCase());
    case 'exists':
    case 'missing':
      return false;
  }
}
