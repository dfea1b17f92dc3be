/**
 * What the agent tools return: short text for a model's context and the same facts
 * as structured data. Everything that leaves here is masked for credentials.
 */
import { shownLine } from '../shell/render';
import { explainCategory } from '../knowledge/categories';
import { maskDeep, maskSecrets } from '../diagnose/mask';
import { renderText } from '../diagnose/textReport';
import type { Diagnosis, Incident, RankedCause } from '../types';
import { clip } from '../clip';
import { hostPort } from '../target/address';

/** How many causes are detailed (the others are named with their confidence). */
export const DETAILED_CAUSES = 3;
/** Lines and characters of an error text echoed back. */
const ECHO_LINES = 3;
const ECHO_LINE_CHARS = 300;

/** The failure as an agent sees it. */
export interface AgentIncident {
  category: Incident['category'];
  code: string | null;
  host: string | null;
  port: number | null;
  url: string | null;
  program: string | null;
  count: number;
  /** The first lines of the failure text. */
  text: string;
}

/** A ranked cause, as an agent sees it. */
export interface AgentCause {
  id: string;
  title: string;
  /** 0..1 */
  confidence: number;
  explanation: string;
  evidence: { probe: string; supports: boolean; text: string }[];
  /** Fixes in words, plus the code fixes for the failing program's ecosystem. */
  fixes: { side: 'client' | 'server' | 'network'; text: string; code?: { language: string; source: string } }[];
  verify: string[];
}

/** Structured result of the diagnose tools. */
export interface AgentDiagnosis {
  target: string;
  url: string | null;
  verdict: string;
  incident: AgentIncident | null;
  causes: AgentCause[];
  otherCauses: { id: string; title: string; confidence: number }[];
  probes: { id: string; status: 'ok' | 'fail' | 'skipped'; ms: number; summary: string }[];
  note: string | null;
  /** The full Markdown report, when asked for. */
  report?: string;
}

/** Structured result of the explain tools. */
export interface AgentExplanation {
  incident: AgentIncident;
  meaning: string;
  causes: AgentCause[];
  note: string;
}

/** A tool result: text for the model and its structured twin. */
export interface AgentResult<T> {
  text: string;
  data: T;
}

function echo(text: string): string {
  return text
    .split('\n')
    .slice(0, ECHO_LINES)
    .map((l) => clip(l, ECHO_LINE_CHARS))
    .join('\n');
}

/** The incident's fields an agent needs. */
export function agentIncident(i: Incident): AgentIncident {
  return { category: i.category, code: i.code, host: i.host, port: i.port, url: i.url, program: i.ecosystem, count: i.count, text: echo(i.text) };
}

/** A cause for an agent: code fixes only for the program that failed; checks only when they name a real target. */
function agentCause(c: RankedCause, ecosystem: string | null, targetKnown: boolean): AgentCause {
  const fixes: AgentCause['fixes'] = [];
  for (const f of c.fixes) {
    if (!f.code) fixes.push({ side: f.side, text: f.text });
    else if (f.code.ecosystem === ecosystem) fixes.push({ side: f.side, text: f.text, code: { language: f.code.language, source: f.code.source } });
  }
  return {
    id: c.id,
    title: c.title,
    confidence: Math.round(c.confidence * 100) / 100,
    explanation: c.explanation,
    evidence: c.evidence.map((e) => ({ probe: e.probe, supports: e.supports, text: e.text })),
    fixes,
    verify: targetKnown ? c.verify.slice(0, 4).map(shownLine) : [],
  };
}

/** The diagnose result: the terminal report's text (top causes, evidence, fixes, checks) and its data. */
export function diagnosisResult(d: Diagnosis, options: { note?: string | null; report?: string } = {}): AgentResult<AgentDiagnosis> {
  const data: AgentDiagnosis = {
    target: hostPort(d.target.host, d.target.port),
    url: d.target.url,
    verdict: d.verdict,
    incident: d.incident ? agentIncident(d.incident) : null,
    causes: d.causes.slice(0, DETAILED_CAUSES).map((c) => agentCause(c, d.incident?.ecosystem ?? null, true)),
    otherCauses: d.causes.slice(DETAILED_CAUSES).map((c) => ({ id: c.id, title: c.title, confidence: Math.round(c.confidence * 100) / 100 })),
    probes: d.probes.map((p) => ({ id: p.id, status: p.status, ms: Math.round(p.ms), summary: p.summary })),
    note: options.note ?? null,
    ...(options.report !== undefined ? { report: options.report } : {}),
  };
  const parts = [renderText(d).trimEnd()];
  if (options.note) parts.push(`Note: ${options.note}`);
  if (options.report !== undefined) parts.push('', options.report);
  return { text: maskSecrets(parts.join('\n')), data: maskDeep(data) };
}

/** The explain result: what the failure means and the causes ranked from its text alone. */
export function explanationResult(incident: Incident, causes: readonly RankedCause[]): AgentResult<AgentExplanation> {
  const data: AgentExplanation = {
    incident: agentIncident(incident),
    meaning: explainCategory(incident.category),
    // Without an address the knowledge base's check commands would read "?:0".
    causes: causes.slice(0, DETAILED_CAUSES).map((c) => agentCause(c, incident.ecosystem, incident.host !== null && incident.port !== null)),
    note: 'Ranked from the error text alone, without any probe: diagnosing the connection adds live evidence.',
  };
  const where = incident.host !== null ? ` — ${hostPort(incident.host, incident.port)}` : '';
  const lines = [`${incident.category}${incident.code ? ` (${incident.code})` : ''}${where}${incident.ecosystem ? `, printed by ${incident.ecosystem}` : ''}`, data.meaning, ''];
  if (data.causes.length === 0) lines.push('No cause of the knowledge base matches this failure.');
  data.causes.forEach((c, n) => {
    lines.push(`${n + 1}. ${c.title} [${c.id}] — ${Math.round(c.confidence * 100)}%`, `   ${c.explanation}`);
    for (const f of c.fixes) {
      lines.push(`   Fix [${f.side}]: ${f.text}`);
      if (f.code) lines.push(...f.code.source.trimEnd().split('\n').map((l) => `     ${l}`));
    }
    for (const v of c.verify) lines.push(`   Check: $ ${v}`);
  });
  lines.push('', data.note);
  return { text: maskSecrets(lines.join('\n')), data: maskDeep(data) };
}
