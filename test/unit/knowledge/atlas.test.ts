import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateAtlasFile } from '../../../src/core/knowledge/atlas/atlasSchema';
import type { AtlasEntry } from '../../../src/core/knowledge/atlas/atlasSchema';
import { RuleMatcher, bundledMatcher } from '../../../src/core/detect/matcher';
import { RULE_FILES } from '../../../src/core/detect/ruleFiles';
import { StreamDetector } from '../../../src/core/detect/stream';
import type { RuleFile } from '../../../src/core/knowledge/ruleSchema';
import type { Incident } from '../../../src/core/types';
import { loadCorpus } from '../detect/corpusLoader';
import { atlas, loadAtlasFiles, readmeEcosystemLine } from './atlasLoader';

function detectWith(matcher: RuleMatcher, text: string): Incident[] {
  const detector = new StreamDetector({ now: () => 0, foldWindowMs: Infinity, matcher });
  detector.write(text);
  detector.end();
  return detector.snapshot();
}

/** A fixture with the outcome it must have: the atlas's and the train corpus's positives. */
interface Expectation {
  label: string;
  text: string;
  category: string;
  host: string | null;
  port: number | null;
  /** False for atlas entries with a known target-extraction gap: only the kind is checked. */
  checkPeer: boolean;
}

/** What a user sees of the first failure: its kinds, peer, program and errno code. */
function outcome(matcher: RuleMatcher, text: string): string {
  const [first] = detectWith(matcher, text);
  return first === undefined ? 'none' : JSON.stringify([first.category, [...first.also].sort(), first.host, first.port, first.ecosystem, first.code]);
}

/** Whether the first incident of the text has the expected category and peer. */
function meets(matcher: RuleMatcher, e: Expectation): boolean {
  const [first] = detectWith(matcher, e.text);
  return first !== undefined && first.category === e.category && (!e.checkPeer || (first.host === e.host && first.port === e.port));
}

/** The bundled rule files without one rule. */
function without(ruleId: string): RuleMatcher {
  return new RuleMatcher(RULE_FILES.map(({ name, data }) => {
    const file = data as RuleFile;
    return { name, data: { ...file, rules: file.rules.filter((r) => r.id !== ruleId) } };
  }));
}

describe('knowledge: error atlas', function () {
  this.timeout(300_000);
  const files = loadAtlasFiles();
  const entries: AtlasEntry[] = atlas().flatMap((f) => f.entries);
  const matcher = bundledMatcher();
  const ruleIds = new Set(matcher.rules.map((r) => r.id));

  for (const file of files) {
    it(`${file.name} is valid`, () => {
      assert.deepEqual(validateAtlasFile(file.data, file.name), []);
    });
  }

  it('entry ids are unique and every entry names a bundled rule', () => {
    const ids = entries.map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate ids');
    assert.deepEqual(entries.filter((e) => !ruleIds.has(e.rule)).map((e) => `${e.id} -> ${e.rule}`), []);
  });

  for (const entry of entries) {
    it(`${entry.id}: ${entry.category} by ${entry.rule}, peer ${entry.host}:${entry.port}`, () => {
      const [first] = detectWith(matcher, entry.fixture);
      assert.ok(first, `not detected: ${entry.fixture}`);
      assert.deepEqual({ category: first.category, rule: first.rule }, { category: entry.category, rule: entry.rule });
      const peer = { host: first.host, port: first.port };
      if (entry.targetGap === undefined) {
        assert.deepEqual(peer, { host: entry.host, port: entry.port });
      } else {
        // A known extraction gap: when extraction learns this form, drop targetGap.
        assert.notDeepEqual(peer, { host: entry.host, port: entry.port }, `${entry.id}: the target is found now; remove targetGap`);
      }
    });
  }

  it('every atlas fixture changes (kind, peer, program or code) when its rule is left out', () => {
    const reduced = new Map<string, RuleMatcher>();
    const unchanged: string[] = [];
    for (const e of entries) {
      if (!reduced.has(e.rule)) reduced.set(e.rule, without(e.rule));
      if (outcome(reduced.get(e.rule)!, e.fixture) === outcome(matcher, e.fixture)) unchanged.push(`${e.id} (${e.rule}): ${outcome(matcher, e.fixture)}`);
    }
    assert.deepEqual(unchanged, []);
  });

  describe('every rule is needed', () => {
    const corpus = loadCorpus().filter((s) => s.category !== 'none');
    const expectations = new Map<string, Expectation[]>();
    const add = (rule: string, e: Expectation): void => {
      const list = expectations.get(rule) ?? [];
      list.push(e);
      expectations.set(rule, list);
    };
    for (const e of entries) add(e.rule, { label: e.id, text: e.fixture, category: e.category, host: e.host, port: e.port, checkPeer: e.targetGap === undefined });
    for (const s of corpus) {
      const [first] = detectWith(matcher, s.text);
      if (first !== undefined) add(first.rule, { label: `${s.id} (${s.file})`, text: s.text, category: s.category, host: s.host, port: s.port, checkPeer: true });
    }

    it('every rule detects at least one atlas fixture or train-corpus sample', () => {
      assert.deepEqual(matcher.rules.filter((r) => !expectations.has(r.id)).map((r) => r.id), []);
    });

    // Leaving a rule out must change what the user sees for at least one fixture it gets right
    // (kind, peer, program or code); otherwise the rule is dead weight.
    for (const rule of matcher.rules) {
      it(`without ${rule.id}, one of its fixtures changes`, () => {
        const own = (expectations.get(rule.id) ?? []).filter((e) => meets(matcher, e));
        assert.ok(own.length > 0, `${rule.id} has no fixture it gets right`);
        const reduced = without(rule.id);
        const same = own.filter((e) => outcome(reduced, e.text) === outcome(matcher, e.text));
        assert.ok(same.length < own.length, `${rule.id} is redundant: other rules give the same outcome for ${own.map((e) => e.label).join(', ')}`);
      });
    }
  });

  it('hard negatives of every family stay silent', () => {
    const flagged: string[] = [];
    for (const file of atlas()) {
      for (const n of file.negatives ?? []) {
        const found = detectWith(matcher, n.text);
        if (found.length > 0) flagged.push(`${file.ecosystem}: ${n.why}: ${found.map((i) => i.rule).join(', ')}: ${n.text}`);
      }
    }
    assert.deepEqual(flagged, []);
  });

  it("the README's ecosystem list is the atlas's", () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const line = readmeEcosystemLine(atlas());
    assert.ok(readme.includes(line), `README.md must contain, in "Failure categories", the line:\n${line}`);
  });
});
