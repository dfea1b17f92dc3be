/**
 * JSON Schemas of the knowledge-base files, built from the same constants as the
 * validators in causeSchema.ts and ruleSchema.ts, so editors check a file as it is
 * typed (`$schema` in every file). `scripts/schemas.mjs` writes them to ./schemas/;
 * a unit test keeps the written files, these objects and the validators in agreement.
 */
import { CATEGORIES, PROBE_IDS } from '../types';
import { OPS, ROOTS } from './causeSchema';
import { MIN_KEYWORD_BYTES } from './ruleSchema';

type Schema = Record<string, unknown>;

const text: Schema = { type: 'string', minLength: 1, pattern: '\\S' };
const unit: Schema = { type: 'number', minimum: 0, maximum: 1 };
const https: Schema = { type: 'string', pattern: '^https://\\S+$' };
const literal: Schema = { type: ['string', 'number', 'boolean', 'null'] };
const category: Schema = { enum: [...CATEGORIES] };

function object(properties: Record<string, Schema>, required: string[], description?: string): Schema {
  return { type: 'object', ...(description ? { description } : {}), properties, required, additionalProperties: false };
}

const OPERAND_OPS = OPS.filter((op) => op !== 'exists' && op !== 'missing');

/** A leaf: which value each operator takes, as the validator checks it. */
const leaf: Schema = {
  ...object({
    probe: { enum: [...ROOTS], description: 'What the leaf reads: a probe, the incident, the target or derived facts.' },
    path: { type: 'string', pattern: '^[A-Za-z0-9_]+(?:\\[(?:\\*|\\d+)\\])*(?:\\.[A-Za-z0-9_]+(?:\\[(?:\\*|\\d+)\\])*)*$', description: 'Dotted path, with [n] and [*].' },
    op: { enum: [...OPS] },
    value: {},
    every: { type: 'boolean', description: 'With [*]: every value must pass.' },
  }, ['probe', 'path', 'op']),
  allOf: [
    { if: { properties: { op: { enum: ['exists', 'missing'] } } }, then: { not: { required: ['value'] } } },
    { if: { properties: { op: { enum: OPERAND_OPS } } }, then: { required: ['value'] } },
    { if: { properties: { op: { enum: ['in', 'nin'] } } }, then: { properties: { value: { type: 'array', items: literal } } } },
    { if: { properties: { op: { enum: ['gt', 'gte', 'lt', 'lte'] } } }, then: { properties: { value: { type: 'number' } } } },
    { if: { properties: { op: { const: 'matches' } } }, then: { properties: { value: { type: 'string', minLength: 1 } } } },
    { if: { properties: { op: { enum: ['eq', 'ne', 'includes'] } } }, then: { properties: { value: literal } } },
  ],
};

/** The schema of one cause file (src/core/knowledge/causes/*.json). */
export const CAUSE_JSON_SCHEMA: Schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Connection Doctor cause',
  definitions: {
    // The program is the knowledge base's own word; arguments may be placeholders or environment variables.
    stage: {
      type: 'array', minItems: 1,
      items: [{ type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_.-]{0,63}$' }],
      additionalItems: { oneOf: [text, object({ env: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]{0,63}$' } }, ['env'])] },
    },
    predicate: {
      oneOf: [
        object({ all: { type: 'array', minItems: 1, items: { $ref: '#/definitions/predicate' } } }, ['all']),
        object({ any: { type: 'array', minItems: 1, items: { $ref: '#/definitions/predicate' } } }, ['any']),
        object({ not: { $ref: '#/definitions/predicate' } }, ['not']),
        leaf,
      ],
    },
  },
  ...object({
    $schema: { type: 'string' },
    id: { type: 'string', pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$' },
    title: text,
    categories: { type: 'array', minItems: 1, items: category },
    explanation: text,
    verdict: text,
    prior: unit,
    evidence: {
      type: 'array', minItems: 1,
      items: object({ when: { $ref: '#/definitions/predicate' }, weight: unit, supports: { type: 'boolean' }, text, probe: { enum: [...PROBE_IDS, 'incident'] } }, ['when', 'weight', 'supports', 'text']),
    },
    fixes: { type: 'array', minItems: 1, items: object({ side: { enum: ['client', 'server', 'network'] }, text }, ['side', 'text']) },
    verify: {
      type: 'array', minItems: 1,
      items: object({
        shell: { enum: ['posix', 'powershell'] },
        run: { $ref: '#/definitions/stage' },
        pipe: { type: 'array', minItems: 1, items: { $ref: '#/definitions/stage' } },
        stdin: { enum: ['null'] },
        stderr: { enum: ['null', 'stdout'] },
        repeat: { type: 'integer', minimum: 2, maximum: 100 },
      }, ['run'], 'A verification command as data: a program and its arguments, never a shell string.'),
    },
    snippets: { type: 'array', items: object({ ecosystem: text, language: text, side: { enum: ['client', 'server'] }, title: text, source: text }, ['ecosystem', 'language', 'side', 'title', 'source']) },
    notes: { type: 'array', items: object({ text, ref: https }, ['text', 'ref']) },
    references: { type: 'array', minItems: 1, items: https },
  }, ['id', 'title', 'categories', 'explanation', 'verdict', 'prior', 'evidence', 'fixes', 'verify', 'snippets', 'notes', 'references']),
};

/** The schema of one rules file (src/core/knowledge/rules/*.json). */
export const RULES_JSON_SCHEMA: Schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Connection Doctor detection rules',
  ...object({
    $schema: { type: 'string' },
    family: { type: 'string', minLength: 1 },
    rules: {
      type: 'array',
      items: object({
        id: { type: 'string', pattern: '^[a-z0-9-]+(?:\\.[a-z0-9_-]+)+$' },
        category,
        also: { type: 'array', items: category },
        ecosystem: { type: 'string', minLength: 1 },
        // Bytes, not characters: the validator counts UTF-8; the schema can only count characters.
        keywords: { type: 'array', minItems: 1, items: { type: 'string', minLength: Math.ceil(MIN_KEYWORD_BYTES / 4), pattern: '^[^\\n]*$' } },
        patterns: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
        ignoreCase: { type: 'boolean' },
        priority: { type: 'number', minimum: 0, maximum: 100 },
        code: { type: 'string' },
        syscall: { type: 'string' },
      }, ['id', 'category', 'keywords', 'patterns']),
    },
  }, ['family', 'rules']),
};
