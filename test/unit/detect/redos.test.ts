import { strict as assert } from 'node:assert';
import { checkSync } from 'recheck';
import type { Parameters } from 'recheck';
import { SOURCE_CODE, bundledMatcher } from '../../../src/core/detect/matcher';
import { extractionRegExps } from '../../../src/core/detect/extract';
import { hostRegExps } from '../../../src/core/detect/hosts';
import { blockRegExps } from '../../../src/core/detect/incidentBuilder';
import { StreamDetector } from '../../../src/core/detect/stream';

/** Characters a pattern repeats: the members of its classes and the literals next to quantifiers. */
function repeatedChars(source: string): string[] {
  const chars = new Set<string>([' ', 'a', '0', ':', '.', '/', '-', '"', "'", '(', ')', '[', ']']);
  for (const m of source.matchAll(/\\?(.)[*+{?]/g)) chars.add(m[1]);
  for (const m of source.matchAll(/\[([^\]]{1,40})\]/g)) for (const c of m[1].replace(/\\[sdw]/g, '')) if (c !== '\\' && c !== '^') chars.add(c);
  return [...chars];
}

/**
 * recheck's fuzzing checker with fixed seed and step limits instead of wall-clock limits, so the
 * verdict does not depend on machine load: the same regexes always give the same answer. (The
 * automaton checker needs 1-30 s per long pattern here, minutes for the rule set; step limits
 * also mean no `unknown` from a timeout.) The canaries below prove these settings still find
 * exponential and polynomial backtracking.
 */
const RECHECK: Parameters = {
  checker: 'fuzz',
  randomSeed: 7,
  timeout: null,
  attackTimeout: null,
  incubationTimeout: null,
  seedingTimeout: null,
  attackLimit: 20_000_000,
  incubationLimit: 25_000,
  maxIteration: 5,
  maxInitialGenerationSize: 100,
  maxGenerationSize: 30,
  maxAttackStringSize: 30_000,
  maxGeneStringSize: 1_200,
  crossoverSize: 10,
  mutationSize: 20,
};

/** Every regex that is not `safe`, with where it comes from and recheck's verdict. */
function notSafe(entries: ReadonlyArray<{ where: string; re: RegExp }>): string[] {
  const seen = new Map<string, string>();
  const out: string[] = [];
  for (const { where, re } of entries) {
    const key = `${re.flags}/${re.source}`;
    let status = seen.get(key);
    if (status === undefined) {
      const result = checkSync(re.source, re.flags, RECHECK);
      status = result.status === 'unknown' ? `unknown (${result.error.kind})` : result.status;
      seen.set(key, status);
    }
    if (status !== 'safe') out.push(`${where}: /${re.source}/${re.flags} -> ${status}`);
  }
  return out;
}

describe('detect: linear-time rules', function () {
  this.timeout(120_000);
  const matcher = bundledMatcher();

  it('the static check finds known catastrophic patterns (it can fail)', () => {
    const canaries = [/(a+)+b/, /\s*#?\s*$/, /x\d+\d+y/, /\bConnect to \S+ (?:\[[^\]]*\] )?failed/, /\bSSL[_ ]read: [^,\n]*, errno/];
    const flagged = canaries.filter((re) => checkSync(re.source, re.flags, RECHECK).status === 'vulnerable');
    assert.deepEqual(flagged, canaries);
  });

  it('every compiled rule regex is safe according to recheck', () => {
    const entries = matcher.rules.flatMap((rule) => rule.patterns.map((re) => ({ where: rule.id, re })));
    assert.deepEqual(notSafe(entries), []);
  });

  it('every extraction regex is safe according to recheck', () => {
    const entries = [...extractionRegExps(), ...hostRegExps(), SOURCE_CODE, ...blockRegExps()].map((re) => ({ where: 'extraction', re }));
    assert.deepEqual(notSafe(entries), []);
  });

  // 256 KB is enough: a quadratic pattern needs about 3e10 steps for a run that long, far past the timeout.
  it('every rule survives adversarial 256 KB lines fed through the detector', () => {
    const RUN = 1 << 18;
    for (const rule of matcher.rules) {
      const keyword = rule.patterns[0].source.replace(/\\[bsdw]|[\\^$()?:*+{}[\]|<>!=]/g, '').slice(0, 40);
      const detector = new StreamDetector({ maxLineLength: 2 * RUN });
      // One 256 KB run cycling through the characters the rule repeats, with a trigger word at
      // each end so the line passes the prefilter and reaches the rule's patterns.
      const cycle = repeatedChars(rule.patterns.map((p) => p.source).join('')).join('');
      const run = cycle.repeat(Math.ceil(RUN / cycle.length)).slice(0, RUN);
      detector.write(`${keyword} ${run} ${keyword}\n`);
      detector.write(`${run.replace(/./g, cycle[0])} ${keyword}\n`);
      detector.end();
    }
    assert.ok(true, 'finished within the mocha timeout');
  });
});
