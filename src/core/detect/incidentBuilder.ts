/**
 * Turns a block of lines (triggers plus context) into an Incident: the strongest trigger
 * names the category, the others add to `also`, and the peer comes from the whole block.
 */
import type { Category, Incident } from '../types';
import type { LineMatch } from './matcher';
import { extractCodeAndSyscall, extractPeer } from './extract';

/** One visible line of a block; `match` is set on trigger lines. */
export interface BlockLine {
  text: string;
  line: number;
  match: LineMatch | null;
}

const MAX_TEXT = 4000;

/** Incident key: what folds repeats together. */
export function incidentKey(category: Category, rule: string, host: string | null, port: number | null): string {
  return `${category}|${rule}|${host ?? ''}|${port ?? ''}`;
}

/** Builds the incident of a block that holds at least one trigger line. */
export function buildIncident(lines: readonly BlockLine[], now: number): Incident | null {
  const triggers = lines.filter((l) => l.match !== null);
  if (triggers.length === 0) return null;
  let primary = triggers[0];
  for (const t of triggers) if (t.match!.rule.priority > primary.match!.rule.priority) primary = t;
  const rule = primary.match!.rule;
  const also = new Set<Category>(rule.also);
  for (const t of triggers) {
    const m = t.match!;
    also.add(m.rule.category);
    for (const c of m.rule.also) also.add(c);
    for (const c of m.otherCategories) also.add(c);
  }
  also.delete(rule.category);
  const triggerTexts = [primary.text, ...triggers.filter((t) => t !== primary).map((t) => t.text)];
  const contextTexts = lines
    .filter((l) => l.match === null)
    .sort((a, b) => Math.abs(a.line - primary.line) - Math.abs(b.line - primary.line) || a.line - b.line)
    .map((l) => l.text);
  const peer = extractPeer(triggerTexts, contextTexts);
  const written = extractCodeAndSyscall([...triggerTexts, ...contextTexts]);
  const first = triggers[0].line;
  const last = triggers[triggers.length - 1].line;
  let text = lines.filter((l) => l.line >= first && l.line <= last).map((l) => l.text).join('\n');
  if (text.length > MAX_TEXT) text = text.slice(0, MAX_TEXT);
  return {
    key: incidentKey(rule.category, rule.id, peer.host, peer.port),
    category: rule.category,
    also: [...also],
    code: primary.match!.code ?? written.code,
    syscall: primary.match!.syscall ?? written.syscall,
    host: peer.host,
    port: peer.port,
    url: peer.url,
    ecosystem: rule.ecosystem,
    rule: rule.id,
    count: 1,
    text,
    line: first,
    endLine: last,
    firstSeen: now,
    lastSeen: now,
  };
}
