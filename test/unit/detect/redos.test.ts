import { strict as assert } from 'node:assert';
import { checkSync } from 'recheck';
import { SOURCE_CODE, bundledMatcher } from '../../../src/core/detect/matcher';
import { extractionRegExps } from '../../../src/core/detect/extract';
import { hostRegExps } from '../../../src/core/detect/hosts';
import { StreamDetector } from '../../../src/core/detect/stream';

/** Characters a pattern repeats: the members of its classes and the literals next to quantifiers. */
function repeatedChars(source: string): string[] {
  const chars = new Set<string>([' ', 'a', '0', ':', '.', '/', '-', '"', "'", '(', ')', '[', ']']);
  for (const m of source.matchAll(/\\?(.)[*+{?]/g)) chars.add(m[1]);
  for (const m of source.matchAll(/\[([^\]]{1,40})\]/g)) for (const c of m[1].replace(/\\[sdw]/g, '')) if (c !== '\\' && c !== '^') chars.add(c);
  return [...chars];
}

describe('detect: linear-time rules', function () {
  this.timeout(120_000);
  const matcher = bundledMatcher();

  it('every compiled rule regex is safe according to recheck', () => {
    const unsafe: string[] = [];
    for (const rule of matcher.rules) {
      for (const re of rule.patterns) {
        const result = checkSync(re.source, re.flags);
        if (result.status !== 'safe') unsafe.push(`${rule.id}: /${re.source}/ -> ${result.status}`);
      }
    }
    assert.deepEqual(unsafe, []);
  });

  it('every extraction regex is safe according to recheck', () => {
    const unsafe = [...extractionRegExps(), ...hostRegExps(), SOURCE_CODE]
      .map((re) => ({ re, status: checkSync(re.source, re.flags).status }))
      .filter((r) => r.status !== 'safe')
      .map((r) => `/${r.re.source}/ -> ${r.status}`);
    assert.deepEqual(unsafe, []);
  });

  it('every rule survives adversarial 1 MB lines fed through the detector', () => {
    const MB = 1 << 20;
    for (const rule of matcher.rules) {
      const keyword = rule.patterns[0].source.replace(/\\[bsdw]|[\\^$()?:*+{}[\]|<>!=]/g, '').slice(0, 40);
      const detector = new StreamDetector({ maxLineLength: 2 * MB });
      // One 1 MB run cycling through the characters the rule repeats, with a trigger word at
      // each end so the line passes the prefilter and reaches the rule's patterns.
      const cycle = repeatedChars(rule.patterns.map((p) => p.source).join('')).join('');
      const run = cycle.repeat(Math.ceil(MB / cycle.length)).slice(0, MB);
      detector.write(`${keyword} ${run} ${keyword}\n`);
      detector.write(`${run.replace(/./g, cycle[0])} ${keyword}\n`);
      detector.end();
    }
    assert.ok(true, 'finished within the mocha timeout');
  });
});
