/**
 * The generalization figures of the corpus (issue 8): recall, category, false positives and
 * host:port, computed the same way for every split, by running the detector as a user's text
 * would meet it (`detectText`, the whole sample at once).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectText } from '../../src/core/detect/detect';
import { unbracket } from '../../src/core/target/address';
import type { AtlasFile } from '../../src/core/knowledge/atlas/atlasSchema';
import { isSealed } from './corpusSplit';

/** One labelled sample of a corpus file. */
export interface LabelledSample {
  id: string;
  text: string;
  category: string;
  host: string | null;
  port: number | null;
  ecosystem: string;
  source: string;
  also?: string[];
}

/** What the detector made of one sample. */
export interface SampleOutcome {
  sample: LabelledSample;
  found: boolean;
  categoryRight: boolean;
  /** null when the label names no host (not counted). */
  targetRight: boolean | null;
  got: string;
}

/** The four figures of one set of samples, as counts. */
export interface Figures {
  positives: number;
  negatives: number;
  found: number;
  categoryRight: number;
  falsePositives: number;
  withTarget: number;
  targetRight: number;
  ecosystems: number;
}

const CORPUS = join(__dirname, '..', 'fixtures', 'corpus');

/** Reads one JSON Lines corpus file. */
export function readSamples(path: string): LabelledSample[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LabelledSample);
}

/** The samples collected after the rules (collected/*.jsonl), split into development and sealed. */
export function collectedSplit(): { development: LabelledSample[]; sealed: LabelledSample[] } {
  const dir = join(CORPUS, 'collected');
  const all = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) => readSamples(join(dir, f)));
  return { development: all.filter((s) => !isSealed(s.source)), sealed: all.filter((s) => isSealed(s.source)) };
}

/** The curated corpus the rules were written from (samples.jsonl, extra.jsonl). */
export function curatedSamples(): LabelledSample[] {
  return ['samples.jsonl', 'extra.jsonl'].flatMap((f) => readSamples(join(CORPUS, f)));
}

/** The atlas's fixtures (messages read from the programs' sources) and its negatives, as samples. */
export function atlasSamples(): LabelledSample[] {
  const dir = join(__dirname, '..', '..', 'src', 'core', 'knowledge', 'atlas');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => {
      const file = JSON.parse(readFileSync(join(dir, f), 'utf8')) as AtlasFile;
      const entries = file.entries.map((e) => ({ id: e.id, text: e.fixture, category: e.category, host: e.host, port: e.port, ecosystem: file.ecosystem, source: e.source }));
      const negatives = (file.negatives ?? []).map((n, i) => ({ id: `${file.ecosystem}.negative-${i + 1}`, text: n.text, category: 'none', host: null, port: null, ecosystem: file.ecosystem, source: n.source }));
      return [...entries, ...negatives];
    });
}

const sameHost = (a: string, b: string): boolean => unbracket(a).toLowerCase() === unbracket(b).toLowerCase();

/** Runs the detector on one sample and judges the first incident against the label. */
export function judge(sample: LabelledSample): SampleOutcome {
  const [first] = detectText(sample.text);
  const got = first ? `${first.category} ${first.host ?? '-'}:${first.port ?? '-'} (${first.rule})` : 'nothing';
  if (sample.category === 'none') return { sample, found: first !== undefined, categoryRight: first === undefined, targetRight: null, got };
  const found = first !== undefined;
  const categoryRight = found && (first.category === sample.category || (sample.also ?? []).includes(first.category));
  const targetRight = sample.host === null ? null : found && first.host !== null && sameHost(first.host, sample.host) && first.port === sample.port;
  return { sample, found, categoryRight, targetRight, got };
}

/** Counts the figures of a set of outcomes. */
export function figures(outcomes: readonly SampleOutcome[]): Figures {
  const pos = outcomes.filter((o) => o.sample.category !== 'none');
  const neg = outcomes.filter((o) => o.sample.category === 'none');
  const targeted = pos.filter((o) => o.targetRight !== null);
  return {
    positives: pos.length,
    negatives: neg.length,
    found: pos.filter((o) => o.found).length,
    categoryRight: pos.filter((o) => o.categoryRight).length,
    falsePositives: neg.filter((o) => o.found).length,
    withTarget: targeted.length,
    targetRight: targeted.filter((o) => o.targetRight === true).length,
    ecosystems: new Set(outcomes.map((o) => o.sample.ecosystem)).size,
  };
}

const pct = (n: number, d: number): string => (d === 0 ? '  n/a' : `${((100 * n) / d).toFixed(1).padStart(5)} %`);

/** One line of figures, as the bench and the closing note print them. */
export function formatFigures(name: string, f: Figures): string {
  return (
    `${name.padEnd(22)} ${String(f.positives + f.negatives).padStart(5)} samples (${f.positives} failures, ${f.negatives} look-alikes, ${f.ecosystems} ecosystems)` +
    `  recall ${pct(f.found, f.positives)}  category ${pct(f.categoryRight, f.positives)}` +
    `  false positives ${pct(f.falsePositives, f.negatives)}  host:port ${pct(f.targetRight, f.withTarget)}`
  );
}
