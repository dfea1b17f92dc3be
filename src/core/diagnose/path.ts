/**
 * Reads a dotted path such as `data.attempts[*].outcome` from a JSON-like value.
 * `[*]` fans out over an array, so a path yields a list of values.
 */

/** A path step: a property name, an index, or a fan-out over every element. */
type Step = { key: string } | { index: number } | { each: true };

const cache = new Map<string, Step[]>();

function parse(path: string): Step[] {
  const hit = cache.get(path);
  if (hit) return hit;
  const steps: Step[] = [];
  for (const part of path.split('.')) {
    const bracket = part.indexOf('[');
    const name = bracket < 0 ? part : part.slice(0, bracket);
    if (name) steps.push({ key: name });
    if (bracket < 0) continue;
    for (const m of part.slice(bracket).matchAll(/\[(\*|\d+)\]/g)) {
      steps.push(m[1] === '*' ? { each: true } : { index: Number(m[1]) });
    }
  }
  cache.set(path, steps);
  return steps;
}

/** Values found at `path` under `root`; undefined values are dropped. */
export function readPath(root: unknown, path: string): unknown[] {
  let current: unknown[] = [root];
  for (const step of parse(path)) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || value === undefined) continue;
      if ('each' in step) {
        if (Array.isArray(value)) next.push(...value);
      } else if ('index' in step) {
        if (Array.isArray(value) && step.index < value.length) next.push(value[step.index]);
      } else if (typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, step.key)) {
        next.push((value as Record<string, unknown>)[step.key]);
      } else if (Array.isArray(value) && step.key === 'length') {
        next.push(value.length);
      } else if (typeof value === 'string' && step.key === 'length') {
        next.push(value.length);
      }
    }
    current = next;
  }
  return current.filter((v) => v !== undefined);
}

/** True when the path fans out (so an empty result means "no elements", not "unknown"). */
export function fansOut(path: string): boolean {
  return parse(path).some((s) => 'each' in s);
}
