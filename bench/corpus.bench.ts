/**
 * Generalization figures of detection (issue 8): the curated corpus the rules were written
 * from, the development part of the collected samples, and the sealed validation part that no
 * rule was written from. The sealed figures are the honest ones. Asserts nothing.
 *
 * Run: npx tsx bench/corpus.bench.ts   (CORPUS_MISSES=1 lists the development part's misses)
 */
import { atlasSamples, collectedSplit, curatedSamples, figures, formatFigures, judge } from '../test/support/corpusFigures';

const { development, sealed } = collectedSplit();
const rows: [string, ReturnType<typeof judge>[]][] = [
  ['curated (rules from)', curatedSamples().map(judge)],
  ['atlas fixtures', atlasSamples().map(judge)],
  ['collected development', development.map(judge)],
  ['collected SEALED', sealed.map(judge)],
];
for (const [name, outcomes] of rows) process.stdout.write(`${formatFigures(name, figures(outcomes))}\n`);
// Only the development part's misses may be looked at: the sealed part stays unread.
if (process.env['CORPUS_MISSES'] === '1') {
  for (const o of rows[2][1]) {
    const wrong = o.sample.category === 'none' ? o.found : !o.categoryRight || o.targetRight === false;
    if (wrong) process.stdout.write(`  ${o.sample.id} ${o.sample.category} ${o.sample.host ?? '-'}:${o.sample.port ?? '-'} got ${o.got}: ${JSON.stringify(o.sample.text.slice(0, 160))}\n`);
  }
}
