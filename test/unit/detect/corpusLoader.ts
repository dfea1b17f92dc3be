/** Loads the labelled corpus: samples.jsonl and, when present, extra.jsonl (every line is a case). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabelledSample } from '../../support/corpusFigures';

/** One labelled sample, with the file and line it came from. */
export type Sample = LabelledSample & { file: string };

const DIR = join(__dirname, '..', '..', 'fixtures', 'corpus');

/** Every sample of every corpus file, with the file it came from. */
export function loadCorpus(): Sample[] {
  const out: Sample[] = [];
  for (const file of ['samples.jsonl', 'extra.jsonl']) {
    const path = join(DIR, file);
    if (!existsSync(path)) continue;
    readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      out.push({ ...(JSON.parse(line) as Omit<Sample, 'file'>), file: `${file}:${i + 1}` });
    });
  }
  return out;
}
