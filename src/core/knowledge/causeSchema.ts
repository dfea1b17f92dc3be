/**
 * The shape of a knowledge-base cause (one JSON file each under ./causes/) and
 * its validator. Evidence is data: a small predicate language over probe
 * results, the incident, the target and derived facts, evaluated by
 * core/diagnose/predicate.ts — never code per cause.
 */
import { CATEGORIES, PROBE_IDS } from '../types';
import type { Category, CommandWord, ProbeId } from '../types';

/** Comparison operators a predicate leaf may use. */
export const OPS = ['eq', 'ne', 'in', 'nin', 'includes', 'gt', 'gte', 'lt', 'lte', 'exists', 'missing', 'matches'] as const;
export type Op = (typeof OPS)[number];

/** What a leaf reads: a probe's result, the incident, the target, or facts derived across probes. */
export const ROOTS = [...PROBE_IDS, 'incident', 'target', 'facts'] as const;
export type Root = (typeof ROOTS)[number];

/** A JSON literal a leaf compares with. */
export type Literal = string | number | boolean | null;

/** One comparison: `path` is dotted, with `[n]` indexes and `[*]` to fan out over arrays. */
export interface Leaf {
  probe: Root;
  path: string;
  op: Op;
  value?: Literal | Literal[];
  /** With a `[*]` path: every value must pass (default: at least one). */
  every?: boolean;
}

/** A predicate: a leaf or a combination. */
export type Predicate = Leaf | { all: Predicate[] } | { any: Predicate[] } | { not: Predicate };

/** One rule of evidence for or against a cause. */
export interface EvidenceRule {
  when: Predicate;
  /** 0..1: how strongly this evidence moves the confidence. 1 with supports=false rules the cause out. */
  weight: number;
  supports: boolean;
  /** Sentence shown to the user; `{host}`, `{port}`, `{value}` and `{root.path}` placeholders. */
  text: string;
  /** Where the evidence is attributed; defaults to the first leaf's probe (facts/target count as incident). */
  probe?: ProbeId | 'incident';
}

/** A fix in words, by where it is applied. */
export interface FixEntry {
  side: 'client' | 'server' | 'network';
  text: string;
}

/** Code for one ecosystem. */
export interface Snippet {
  /** node, python, java, go, dotnet, curl, ... (matches Incident.ecosystem). */
  ecosystem: string;
  language: string;
  /** Where the code runs. */
  side: 'client' | 'server';
  title: string;
  source: string;
}

/**
 * A verification command: a program and its arguments as separate words, each
 * word one argument after its placeholders are filled (`{host}`, `{port}`,
 * `{hostport}`, `{url}`), so no filled text is ever parsed by a shell.
 */
export interface VerifyEntry {
  /** The shells it is for (default posix: sh, bash, zsh). */
  shell?: 'posix' | 'powershell';
  /** The program, then its arguments. */
  run: CommandWord[];
  /** Later pipeline stages, each a program and its arguments. */
  pipe?: CommandWord[][];
  /** The first stage reads the null device. */
  stdin?: 'null';
  /** Where the first stage's standard error goes. */
  stderr?: 'null' | 'stdout';
  /** Run the pipeline this many times (2 to 100). */
  repeat?: number;
}

/** A checked fact the ranking relies on, with its source. */
export interface Note {
  text: string;
  ref: string;
}

/** A cause of the knowledge base. */
export interface CauseEntry {
  id: string;
  title: string;
  categories: Category[];
  explanation: string;
  /** Verdict sentence when this cause ranks first. */
  verdict: string;
  /** 0..1 base belief once the incident's category matches (or with no incident). */
  prior: number;
  evidence: EvidenceRule[];
  fixes: FixEntry[];
  verify: VerifyEntry[];
  snippets: Snippet[];
  notes: Note[];
  references: string[];
}

/** A malformed knowledge-base entry: the message names the file and the field. */
export class CauseSchemaError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    problem: string,
  ) {
    super(`${file}: ${field}: ${problem}`);
    this.name = 'CauseSchemaError';
  }
}

type Obj = Record<string, unknown>;

const ID_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SIDES = ['client', 'server', 'network'] as const;
const CAUSE_KEYS = ['$schema', 'id', 'title', 'categories', 'explanation', 'verdict', 'prior', 'evidence', 'fixes', 'verify', 'snippets', 'notes', 'references'];

/** Checks one parsed JSON value against the schema; throws CauseSchemaError naming file and field. */
export function validateCause(value: unknown, file: string): CauseEntry {
  const v = new Validator(file);
  const o = v.obj(value, '$');
  v.onlyKeys(o, CAUSE_KEYS, '$');
  const id = v.str(o.id, 'id');
  if (!ID_RE.test(id)) v.fail('id', `must be kebab-case, got ${JSON.stringify(id)}`);
  const entry: CauseEntry = {
    id,
    title: v.str(o.title, 'title'),
    categories: v.arr(o.categories, 'categories', (c, f) => v.oneOf(c, CATEGORIES, f), 1),
    explanation: v.str(o.explanation, 'explanation'),
    verdict: v.str(o.verdict, 'verdict'),
    prior: v.unit(o.prior, 'prior'),
    evidence: v.arr(o.evidence, 'evidence', (r, f) => v.rule(r, f), 1),
    fixes: v.arr(o.fixes, 'fixes', (x, f) => v.fix(x, f), 1),
    verify: v.arr(o.verify, 'verify', (x, f) => v.verify(x, f), 1),
    snippets: v.arr(o.snippets, 'snippets', (x, f) => v.snippet(x, f)),
    notes: v.arr(o.notes, 'notes', (x, f) => v.note(x, f)),
    references: v.arr(o.references, 'references', (x, f) => v.url(x, f), 1),
  };
  return entry;
}

/** Walks a value, failing at the first problem with the field's path. */
class Validator {
  constructor(private readonly file: string) {}

  fail(field: string, problem: string): never {
    throw new CauseSchemaError(this.file, field, problem);
  }

  obj(x: unknown, f: string): Obj {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) this.fail(f, 'must be an object');
    return x as Obj;
  }

  onlyKeys(o: Obj, keys: readonly string[], f: string): void {
    for (const k of Object.keys(o)) if (!keys.includes(k)) this.fail(f === '$' ? k : `${f}.${k}`, 'is not a known field');
  }

  str(x: unknown, f: string): string {
    if (typeof x !== 'string' || x.trim() === '') this.fail(f, 'must be a non-empty string');
    return x;
  }

  unit(x: unknown, f: string): number {
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x > 1) this.fail(f, 'must be a number from 0 to 1');
    return x;
  }

  oneOf<T extends string>(x: unknown, allowed: readonly T[], f: string): T {
    if (typeof x !== 'string' || !(allowed as readonly string[]).includes(x)) this.fail(f, `must be one of ${allowed.join(', ')}`);
    return x as T;
  }

  arr<T>(x: unknown, f: string, each: (item: unknown, field: string) => T, min = 0): T[] {
    if (!Array.isArray(x)) this.fail(f, 'must be an array');
    if (x.length < min) this.fail(f, `must have at least ${min} item(s)`);
    return x.map((item, i) => each(item, `${f}[${i}]`));
  }

  url(x: unknown, f: string): string {
    const s = this.str(x, f);
    if (!/^https:\/\/[^\s]+$/.test(s)) this.fail(f, 'must be an https:// URL');
    return s;
  }

  rule(x: unknown, f: string): EvidenceRule {
    const o = this.obj(x, f);
    this.onlyKeys(o, ['when', 'weight', 'supports', 'text', 'probe'], f);
    if (typeof o.supports !== 'boolean') this.fail(`${f}.supports`, 'must be true or false');
    const rule: EvidenceRule = {
      when: this.predicate(o.when, `${f}.when`),
      weight: this.unit(o.weight, `${f}.weight`),
      supports: o.supports,
      text: this.str(o.text, `${f}.text`),
    };
    if (o.probe !== undefined) rule.probe = this.oneOf(o.probe, [...PROBE_IDS, 'incident'] as const, `${f}.probe`);
    return rule;
  }

  predicate(x: unknown, f: string): Predicate {
    const o = this.obj(x, f);
    if ('all' in o || 'any' in o) {
      const key = 'all' in o ? 'all' : 'any';
      this.onlyKeys(o, [key], f);
      const items = this.arr(o[key], `${f}.${key}`, (p, pf) => this.predicate(p, pf), 1);
      return key === 'all' ? { all: items } : { any: items };
    }
    if ('not' in o) {
      this.onlyKeys(o, ['not'], f);
      return { not: this.predicate(o.not, `${f}.not`) };
    }
    return this.leaf(o, f);
  }

  leaf(o: Obj, f: string): Leaf {
    this.onlyKeys(o, ['probe', 'path', 'op', 'value', 'every'], f);
    const leaf: Leaf = {
      probe: this.oneOf(o.probe, ROOTS, `${f}.probe`),
      path: this.str(o.path, `${f}.path`),
      op: this.oneOf(o.op, OPS, `${f}.op`),
    };
    if (!/^[A-Za-z0-9_]+(?:\[(?:\*|\d+)\])*(?:\.[A-Za-z0-9_]+(?:\[(?:\*|\d+)\])*)*$/.test(leaf.path)) {
      this.fail(`${f}.path`, `is not a dotted path: ${JSON.stringify(leaf.path)}`);
    }
    if (o.every !== undefined) {
      if (typeof o.every !== 'boolean') this.fail(`${f}.every`, 'must be true or false');
      leaf.every = o.every;
    }
    const needsValue = leaf.op !== 'exists' && leaf.op !== 'missing';
    if (!needsValue) {
      if (o.value !== undefined) this.fail(`${f}.value`, `is not used by '${leaf.op}'`);
      return leaf;
    }
    if (o.value === undefined) this.fail(`${f}.value`, `is required by '${leaf.op}'`);
    const isLiteral = (x: unknown): x is Literal => x === null || ['string', 'number', 'boolean'].includes(typeof x);
    if (leaf.op === 'in' || leaf.op === 'nin') {
      if (!Array.isArray(o.value) || !o.value.every(isLiteral)) this.fail(`${f}.value`, `must be an array of literals for '${leaf.op}'`);
    } else if (leaf.op === 'gt' || leaf.op === 'gte' || leaf.op === 'lt' || leaf.op === 'lte') {
      if (typeof o.value !== 'number') this.fail(`${f}.value`, `must be a number for '${leaf.op}'`);
    } else if (leaf.op === 'matches') {
      // A literal, matched case-insensitively as a substring: no regular expressions from data.
      if (typeof o.value !== 'string' || o.value === '') this.fail(`${f}.value`, "must be a non-empty literal string for 'matches'");
    } else if (!isLiteral(o.value)) {
      this.fail(`${f}.value`, 'must be a string, number, boolean or null');
    }
    leaf.value = o.value as Literal | Literal[];
    return leaf;
  }

  verify(x: unknown, f: string): VerifyEntry {
    const o = this.obj(x, f);
    this.onlyKeys(o, ['shell', 'run', 'pipe', 'stdin', 'stderr', 'repeat'], f);
    const stage = (s: unknown, sf: string): CommandWord[] => {
      const words = this.arr(s, sf, (w, wf) => this.word(w, wf), 1);
      // The program is always the knowledge base's own word, never filled from output.
      if (typeof words[0] !== 'string' || !/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(words[0])) this.fail(`${sf}[0]`, 'must be a plain program name');
      return words;
    };
    const entry: VerifyEntry = { run: stage(o.run, `${f}.run`) };
    if (o.shell !== undefined) entry.shell = this.oneOf(o.shell, ['posix', 'powershell'] as const, `${f}.shell`);
    if (o.pipe !== undefined) entry.pipe = this.arr(o.pipe, `${f}.pipe`, (s, sf) => stage(s, sf), 1);
    if (o.stdin !== undefined) entry.stdin = this.oneOf(o.stdin, ['null'] as const, `${f}.stdin`);
    if (o.stderr !== undefined) entry.stderr = this.oneOf(o.stderr, ['null', 'stdout'] as const, `${f}.stderr`);
    if (o.repeat !== undefined) {
      if (typeof o.repeat !== 'number' || !Number.isInteger(o.repeat) || o.repeat < 2 || o.repeat > 100) this.fail(`${f}.repeat`, 'must be a whole number from 2 to 100');
      entry.repeat = o.repeat;
    }
    return entry;
  }

  word(x: unknown, f: string): CommandWord {
    if (typeof x === 'string') return x;
    const o = this.obj(x, f);
    this.onlyKeys(o, ['env'], f);
    const name = this.str(o.env, `${f}.env`);
    if (!/^[A-Z_][A-Z0-9_]{0,63}$/.test(name)) this.fail(`${f}.env`, 'must be an environment variable name');
    return { env: name };
  }

  fix(x: unknown, f: string): FixEntry {
    const o = this.obj(x, f);
    this.onlyKeys(o, ['side', 'text'], f);
    return { side: this.oneOf(o.side, SIDES, `${f}.side`), text: this.str(o.text, `${f}.text`) };
  }

  snippet(x: unknown, f: string): Snippet {
    const o = this.obj(x, f);
    this.onlyKeys(o, ['ecosystem', 'language', 'side', 'title', 'source'], f);
    return {
      ecosystem: this.str(o.ecosystem, `${f}.ecosystem`),
      language: this.str(o.language, `${f}.language`),
      side: this.oneOf(o.side, ['client', 'server'] as const, `${f}.side`),
      title: this.str(o.title, `${f}.title`),
      source: this.str(o.source, `${f}.source`),
    };
  }

  note(x: unknown, f: string): Note {
    const o = this.obj(x, f);
    this.onlyKeys(o, ['text', 'ref'], f);
    return { text: this.str(o.text, `${f}.text`), ref: this.url(o.ref, `${f}.ref`) };
  }
}
