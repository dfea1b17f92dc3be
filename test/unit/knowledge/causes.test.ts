import * as assert from 'node:assert/strict';
import { CAUSE_FILES, loadCauses, validateCauseFiles } from '../../../src/core/knowledge/causes';
import { CauseSchemaError, validateCause } from '../../../src/core/knowledge/causeSchema';
import type { VerifyEntry } from '../../../src/core/knowledge/causeSchema';
import { explainCategory } from '../../../src/core/knowledge/categories';
import { CATEGORIES } from '../../../src/core/types';
import { REQUIRED_CAUSES, SEED_CAUSES } from '../../support/requiredCauses';

/** A valid entry to break on purpose. */
function goodEntry(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(CAUSE_FILES.find(([f]) => f === 'no-listener.json')?.[1])) as Record<string, unknown>;
}

function schemaError(value: unknown): CauseSchemaError {
  try {
    validateCause(value, 'causes/broken.json');
  } catch (e) {
    assert.ok(e instanceof CauseSchemaError, `expected a CauseSchemaError, got ${String(e)}`);
    return e;
  }
  assert.fail('the broken entry was accepted');
}

describe('knowledge base of causes', () => {
  it('validates every cause file against the schema', () => {
    const causes = loadCauses();
    assert.equal(causes.length, CAUSE_FILES.length);
  });

  it('has every required cause id and the seed article causes', () => {
    const ids = new Set(loadCauses().map((c) => c.id));
    for (const id of [...REQUIRED_CAUSES, ...SEED_CAUSES]) assert.ok(ids.has(id), `missing cause ${id}`);
  });

  it('gives every cause checkable evidence, verify commands with placeholders and official references', () => {
    for (const c of loadCauses()) {
      assert.ok(c.evidence.some((e) => e.supports), `${c.id}: no supporting evidence`);
      assert.ok(c.verify.some((v) => /\{(host|port|hostport|url)\}/.test(words(v))), `${c.id}: verify lacks placeholders`);
      assert.ok(c.references.every((r) => r.startsWith('https://')), c.id);
      assert.ok(new Set(c.fixes.map((f) => f.side)).size >= 2 || c.fixes.length >= 1, c.id);
    }
  });

  it('covers the verification tools and snippet ecosystems the issue names', () => {
    const verify = loadCauses().flatMap((c) => c.verify).map(words).join('\n');
    for (const tool of ['curl --globoff -v', 'ss -ltnp', 'nc -vz', 'openssl s_client', 'dig ', 'Test-NetConnection']) assert.ok(verify.includes(tool), tool);
    const ecosystems = new Set(loadCauses().flatMap((c) => c.snippets.map((s) => s.ecosystem)));
    for (const eco of ['node', 'python', 'java', 'go', 'dotnet']) assert.ok(ecosystems.has(eco), eco);
    const code = loadCauses().flatMap((c) => c.snippets.map((s) => s.source)).join('\n');
    for (const api of ['new http.Agent', 'undici', 'Retry(', 'HttpClient.newBuilder', 'net.Dialer', 'SocketsHttpHandler']) assert.ok(code.includes(api), api);
  });

  it('cites the timing and version facts ranking relies on', () => {
    const notes = loadCauses().flatMap((c) => c.notes.map((n) => n.text)).join('\n');
    for (const fact of ['21 s', '75 s', '127 s', '10 s', '60 s', '350 s', '4 minutes', '600 s', 'keepAliveTimeout, 5 s', 'Node 19', 'NODE_USE_ENV_PROXY', '250 ms', 'hosts file', 'EAI_AGAIN']) {
      assert.ok(notes.includes(fact), `no note cites ${fact}`);
    }
  });

  it('names the file and the field of a malformed entry', () => {
    const noTitle = goodEntry();
    delete noTitle.title;
    assert.equal(schemaError(noTitle).message, 'causes/broken.json: title: must be a non-empty string');

    const badOp = goodEntry();
    (badOp.evidence as Array<{ when: Record<string, unknown> }>)[0].when = { probe: 'tcp', path: 'data.attempts[*].outcome', op: 'like', value: 'x' };
    const e = schemaError(badOp);
    assert.equal(e.field, 'evidence[0].when.op');
    assert.match(e.message, /^causes\/broken\.json: evidence\[0\]\.when\.op: must be one of eq, ne/);

    const badWeight = goodEntry();
    (badWeight.evidence as Array<Record<string, unknown>>)[1].weight = 2;
    assert.equal(schemaError(badWeight).field, 'evidence[1].weight');

    const badCategory = goodEntry();
    badCategory.categories = ['refused', 'flaky'];
    assert.equal(schemaError(badCategory).field, 'categories[1]');

    const badRoot = goodEntry();
    (badRoot.evidence as Array<{ when: Record<string, unknown> }>)[0].when = { all: [{ probe: 'ping', path: 'x', op: 'exists' }] };
    assert.equal(schemaError(badRoot).field, 'evidence[0].when.all[0].probe');

    const extra = goodEntry();
    extra.colour = 'red';
    assert.equal(schemaError(extra).field, 'colour');

    const badSide = goodEntry();
    (badSide.fixes as Array<Record<string, unknown>>)[0].side = 'both';
    assert.equal(schemaError(badSide).field, 'fixes[0].side');

    const regexValue = goodEntry();
    (regexValue.evidence as Array<{ when: Record<string, unknown> }>)[0].when = { probe: 'incident', path: 'text', op: 'gt', value: 'abc' };
    assert.equal(schemaError(regexValue).field, 'evidence[0].when.value');
  });

  it('rejects a file whose id does not match its name, and duplicates', () => {
    const entry = goodEntry();
    assert.throws(() => validateCauseFiles([['other.json', entry]]), /causes\/other\.json: id: must match the file name/);
    assert.throws(() => validateCauseFiles([['no-listener.json', entry], ['no-listener.json', entry]]), /duplicate/);
  });

  it('explains every category in one sentence', () => {
    for (const c of CATEGORIES) assert.match(explainCategory(c), /^[A-Z][^\n]+\.$/);
  });
});

function words(v: VerifyEntry): string {
  return [v.run, ...(v.pipe ?? [])].map((stage) => stage.map((w) => (typeof w === 'string' ? w : `$${w.env}`)).join(' ')).join(' | ');
}
