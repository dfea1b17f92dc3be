/** Loads the recorded probe-result fixtures of the engine tests. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Incident, ProbeResult, Target } from '../../../src/core/types';

/** One recorded diagnosis input and the cause that must rank first. */
export interface Fixture {
  name: string;
  description: string;
  expected: string;
  target: Target;
  incident: Incident | null;
  probes: ProbeResult[];
}

const DIR = join(__dirname, 'fixtures');

/** Every fixture, by file name order. */
export function loadFixtures(): Fixture[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f.replace(/\.json$/, ''), ...(JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Omit<Fixture, 'name'>) }));
}

/** One fixture by name. */
export function fixture(name: string): Fixture {
  const f = loadFixtures().find((x) => x.name === name);
  if (!f) throw new Error(`no fixture ${name}`);
  return structuredClone(f);
}
