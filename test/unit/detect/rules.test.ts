import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateRuleFile } from '../../../src/core/knowledge/ruleSchema';
import { RULE_FILES } from '../../../src/core/detect/ruleFiles';
import { RuleMatcher } from '../../../src/core/detect/matcher';
import { detectText } from '../../../src/core/detect/detect';

const RULES_DIR = join(__dirname, '..', '..', '..', 'src', 'core', 'knowledge', 'rules');

describe('detect: rule files', () => {
  const files = readdirSync(RULES_DIR).filter((f) => f.endsWith('.json')).sort();

  it('bundles every file of the rules folder', () => {
    assert.deepEqual(RULE_FILES.map((f) => f.name).sort(), files);
  });

  for (const file of files) {
    it(`${file} is valid`, () => {
      assert.deepEqual(validateRuleFile(JSON.parse(readFileSync(join(RULES_DIR, file), 'utf8')), file), []);
    });
  }

  it('rule ids are unique', () => {
    const ids = new RuleMatcher(RULE_FILES).rules.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('names the file and field of a malformed entry', () => {
    const bad = { family: 'x', rules: [{ id: 'x.ok', category: 'refused', keywords: ['refused!'], patterns: ['ok'] }, { id: 'x.bad', category: 'nope', keywords: ['abc'], patterns: ['(unclosed'] }] };
    const errors = validateRuleFile(bad, 'broken.json');
    assert.ok(errors.some((e) => e.startsWith('broken.json: rules[1].category:')), errors.join('\n'));
    assert.ok(errors.some((e) => e.startsWith('broken.json: rules[1].keywords[0]:')), errors.join('\n'));
    assert.ok(errors.some((e) => e.startsWith('broken.json: rules[1].patterns[0]: invalid regular expression')), errors.join('\n'));
    assert.ok(!errors.some((e) => e.includes('rules[0]')), errors.join('\n'));
  });

  it('refuses to compile an invalid rule set', () => {
    assert.throws(() => new RuleMatcher([{ name: 'bad.json', data: { family: 'x', rules: [{ id: 'x.y' }] } }]), /bad\.json: rules\[0\]\.category/);
  });

  it("recognises an aborted fetch under AbortSignal.timeout() as a timeout, in each form Node prints", () => {
    for (const line of [
      'DOMException [TimeoutError]: The operation was aborted due to timeout',
      'TimeoutError: The operation was aborted due to timeout',
      ' ⨯ Error [TimeoutError]: The operation was aborted due to timeout',
      "  [cause]: DOMException [TimeoutError]: The operation was aborted due to timeout",
    ]) {
      assert.deepEqual(detectText(`${line}\n    at new DOMException (node:internal/per_context/domexception:53:5)\n`).map((i) => [i.category, i.ecosystem]), [['timeout', 'undici']], line);
    }
    assert.deepEqual(detectText('if (err.name === "TimeoutError") console.error("The operation was aborted due to timeout");\nAbortError: The operation was aborted\n'), []);
  });
});
