import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { CAUSE_FILES } from '../../../src/core/knowledge/causes';
import { CauseSchemaError, validateCause } from '../../../src/core/knowledge/causeSchema';
import { CAUSE_JSON_SCHEMA, RULES_JSON_SCHEMA } from '../../../src/core/knowledge/jsonSchemas';
import { validateRuleFile } from '../../../src/core/knowledge/ruleSchema';
import { RULE_FILES } from '../../../src/core/detect/ruleFiles';

const KNOWLEDGE = join(__dirname, '../../../src/core/knowledge');
const ajv = new Ajv({ allErrors: true, strict: false });
const causeValid = ajv.compile(CAUSE_JSON_SCHEMA);
const rulesValid = ajv.compile(RULES_JSON_SCHEMA);

function validatorAccepts(entry: unknown): boolean {
  try {
    validateCause(entry, 'mutated.json');
    return true;
  } catch (e) {
    if (e instanceof CauseSchemaError) return false;
    throw e;
  }
}

/** Ways to break a valid cause, each of which both the validator and the JSON Schema must refuse. */
const BREAKS: Array<[string, (c: Record<string, unknown>) => void]> = [
  ['an unknown field', (c) => { c.colour = 'red'; }],
  ['a missing title', (c) => { delete c.title; }],
  ['an empty explanation', (c) => { c.explanation = ''; }],
  ['a prior above 1', (c) => { c.prior = 1.5; }],
  ['an unknown category', (c) => { c.categories = ['slow']; }],
  ['no evidence', (c) => { c.evidence = []; }],
  ['a leaf with an unknown operator', (c) => { (c.evidence as Array<Record<string, unknown>>)[0].when = { probe: 'tcp', path: 'status', op: 'like', value: 'x' }; }],
  ['a leaf of an unknown probe', (c) => { (c.evidence as Array<Record<string, unknown>>)[0].when = { probe: 'ping', path: 'status', op: 'eq', value: 'ok' }; }],
  ['exists with a value', (c) => { (c.evidence as Array<Record<string, unknown>>)[0].when = { probe: 'tcp', path: 'status', op: 'exists', value: 1 }; }],
  ['eq without a value', (c) => { (c.evidence as Array<Record<string, unknown>>)[0].when = { probe: 'tcp', path: 'status', op: 'eq' }; }],
  ['gt with a string', (c) => { (c.evidence as Array<Record<string, unknown>>)[0].when = { probe: 'tcp', path: 'ms', op: 'gt', value: 'slow' }; }],
  ['a path that is not dotted', (c) => { (c.evidence as Array<Record<string, unknown>>)[0].when = { probe: 'tcp', path: 'data..x', op: 'exists' }; }],
  ['an empty all', (c) => { (c.evidence as Array<Record<string, unknown>>)[0].when = { all: [] }; }],
  ['a fix on an unknown side', (c) => { c.fixes = [{ side: 'both', text: 'x' }]; }],
  ['a reference that is not https', (c) => { c.references = ['http://example.com/']; }],
  ['an id in camel case', (c) => { c.id = 'noListener'; }],
  ['a verification command as a shell string', (c) => { c.verify = ['curl -v {url}']; }],
  ['a verification program that is not a plain name', (c) => { c.verify = [{ run: ['/bin/sh', '-c', 'x'] }]; }],
  ['a verification command on an unknown shell', (c) => { c.verify = [{ shell: 'fish', run: ['nc', '{host}'] }]; }],
];

describe('knowledge base JSON Schemas', () => {
  it('the schema files in the repo are the ones the code builds (run `npm run schemas` after changing a schema)', () => {
    assert.deepEqual(JSON.parse(readFileSync(join(KNOWLEDGE, 'schemas/cause.schema.json'), 'utf8')), CAUSE_JSON_SCHEMA);
    assert.deepEqual(JSON.parse(readFileSync(join(KNOWLEDGE, 'schemas/rules.schema.json'), 'utf8')), RULES_JSON_SCHEMA);
  });

  it('every cause file names its schema and follows it', () => {
    for (const [file, data] of CAUSE_FILES) {
      assert.equal((data as { $schema?: string }).$schema, '../schemas/cause.schema.json', file);
      assert.ok(causeValid(data), `${file}: ${ajv.errorsText(causeValid.errors)}`);
    }
  });

  it('every rules file names its schema, follows it and passes the validator', () => {
    for (const { name, data } of RULE_FILES) {
      assert.equal((data as { $schema?: string }).$schema, '../schemas/rules.schema.json', name);
      assert.ok(rulesValid(data), `${name}: ${ajv.errorsText(rulesValid.errors)}`);
      assert.deepEqual(validateRuleFile(data, name), []);
    }
  });

  for (const [what, breakIt] of BREAKS) {
    it(`the JSON Schema and the validator both refuse a cause with ${what}`, () => {
      const entry = JSON.parse(JSON.stringify(CAUSE_FILES[0][1])) as Record<string, unknown>;
      assert.ok(validatorAccepts(entry) && causeValid(entry), 'the unbroken entry passes both');
      breakIt(entry);
      assert.equal(validatorAccepts(entry), false, 'validator');
      assert.equal(causeValid(entry), false, 'JSON Schema');
    });
  }

  it('the JSON Schema refuses a rule without keywords, with an unknown field, or of an unknown category', () => {
    const file = JSON.parse(JSON.stringify(RULE_FILES[0].data)) as { rules: Array<Record<string, unknown>> };
    for (const breakIt of [(r: Record<string, unknown>) => { r.keywords = []; }, (r: Record<string, unknown>) => { r.weight = 1; }, (r: Record<string, unknown>) => { r.category = 'slow'; }]) {
      const copy = JSON.parse(JSON.stringify(file)) as { rules: Array<Record<string, unknown>> };
      breakIt(copy.rules[0]);
      assert.equal(rulesValid(copy), false);
      assert.notDeepEqual(validateRuleFile(copy, 'x.json'), []);
    }
  });

  it('no cause file in the folder is left out of the knowledge base', () => {
    const onDisk = readdirSync(join(KNOWLEDGE, 'causes')).filter((f) => f.endsWith('.json')).sort();
    assert.deepEqual(CAUSE_FILES.map(([f]) => f).sort(), onDisk);
  });
});
