/** The human-readable `diagnose` output (plain text for a terminal). */
import type { Diagnosis, RankedCause } from '../types';
import { targetShown } from '../target/address';
import { shownLine } from '../shell/render';
import { maskSecrets } from './mask';

/** How many causes are detailed. */
const DETAILED = 3;

/** Renders the diagnosis for a terminal; untrusted text is masked and stripped of control characters. */
export function renderText(d: Diagnosis): string {
  const t = d.target;
  const where = t.nameOnly === true ? `${targetShown(t)} (name only: no port given)` : targetShown(t);
  const out: string[] = [`Connection Doctor — ${clean(t.url ?? where)}`, ''];
  if (d.incident) {
    out.push(`Error: ${d.incident.category}${d.incident.code ? ` (${d.incident.code})` : ''}: ${clean(d.incident.text.split('\n')[0] ?? '')}`, '');
  }
  out.push('Probes:');
  for (const p of d.probes) {
    const mark = p.status === 'ok' ? 'ok  ' : p.status === 'fail' ? 'FAIL' : 'skip';
    out.push(`  ${mark} ${p.id.padEnd(9)} ${String(Math.round(p.ms)).padStart(5)} ms  ${clean(p.summary)}`);
  }
  out.push('', `Verdict: ${clean(d.verdict)}`, '');
  d.causes.slice(0, DETAILED).forEach((c, i) => out.push(...cause(c, i + 1)));
  const rest = d.causes.slice(DETAILED);
  if (rest.length) out.push(`Less likely: ${rest.map((c) => `${c.id} (${pct(c.confidence)})`).join(', ')}`, '');
  return out.join('\n') + '\n';
}

function cause(c: RankedCause, n: number): string[] {
  const out = [`${n}. ${c.title} [${c.id}] — ${pct(c.confidence)}`];
  for (const e of c.evidence) out.push(`   ${e.supports ? '+' : '-'} ${clean(e.text)} (${e.probe})`);
  const words = c.fixes.filter((f) => !f.code);
  if (words.length) {
    out.push('   Fix:');
    for (const f of words) out.push(`     [${f.side}] ${clean(f.text)}`);
  }
  if (c.verify.length) {
    out.push('   Check:');
    for (const v of c.verify.slice(0, 4)) out.push(`     ${v.text === null ? '#' : '$'} ${clean(shownLine(v))}`);
  }
  out.push('');
  return out;
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return maskSecrets(text).replace(/[\x00-\x1f\x7f]+/g, ' ');
}
