/**
 * The ranking engine: evaluates every knowledge-base cause's evidence rules
 * over the incident, the target, the probe results and derived facts, and
 * turns the evidence that fired into a confidence. Pure and deterministic.
 */
import type { CauseEntry, EvidenceRule, Predicate } from '../knowledge/causeSchema';
import { loadCauses } from '../knowledge/causes';
import { PROBE_IDS } from '../types';
import type { Evidence, Fix, Incident, ProbeId, ProbeResult, RankedCause, Target } from '../types';
import { deriveFacts } from './facts';
import { evaluate } from './predicate';
import type { EvalRoots } from './predicate';
import { fillCommand, fillTemplate } from './template';
import { verdictFor } from './verdict';

/** What the engine ranks from. */
export interface RankInput {
  target: Target;
  incident: Incident | null;
  probes: ProbeResult[];
}

/** Ranked causes (highest confidence first) and a one-sentence verdict. */
export interface RankOutput {
  causes: RankedCause[];
  verdict: string;
}

/** Evidence against a cause whose categories do not include the incident's. */
const CATEGORY_MISMATCH_WEIGHT = 0.3;
/** Without an incident, a cause needs at least one finding this strong (not only context) to be listed. */
const FINDING_WEIGHT = 0.3;
/** Causes below this confidence are left out. */
const MIN_CONFIDENCE = 0.1;

/** Incident ecosystems written differently from the snippets' ecosystem names. */
const ECOSYSTEM_ALIASES: Readonly<Record<string, string>> = {
  nodejs: 'node', npm: 'node', yarn: 'node', pnpm: 'node', deno: 'node', bun: 'node', undici: 'node', axios: 'node',
  pip: 'python', requests: 'python', urllib3: 'python', django: 'python',
  csharp: 'dotnet', 'c#': 'dotnet', '.net': 'dotnet', golang: 'go', kotlin: 'java', gradle: 'java', maven: 'java',
};

/** Ranks every cause of the knowledge base for one incident/target and its probe results. */
export function rankCauses(input: RankInput, causes: readonly CauseEntry[] = loadCauses()): RankOutput {
  const roots = buildRoots(input);
  const ranked: Array<RankedCause & { supporting: number }> = [];
  for (const cause of causes) {
    const scored = scoreCause(cause, input, roots);
    if (scored) ranked.push(scored);
  }
  ranked.sort((a, b) => b.confidence - a.confidence || b.supporting - a.supporting || a.id.localeCompare(b.id));
  const out = ranked.map(({ supporting: _supporting, ...cause }) => cause);
  return { causes: out, verdict: verdictFor(out, input, roots) };
}

/** The roots predicates read: each probe result by id, the incident, the target and derived facts. */
export function buildRoots(input: RankInput): EvalRoots {
  const roots: EvalRoots = {
    incident: input.incident ?? undefined,
    target: input.target,
    facts: deriveFacts(input.target, input.incident, input.probes),
  };
  for (const p of input.probes) roots[p.id] = p;
  return roots;
}

function scoreCause(cause: CauseEntry, input: RankInput, roots: EvalRoots): (RankedCause & { supporting: number }) | null {
  const evidence: Evidence[] = [];
  let notSupported = 1;
  let notAgainst = 1;
  let supporting = 0;
  let finding = false;
  const incident = input.incident;

  if (incident) {
    const categories = [incident.category, ...incident.also];
    const match = categories.find((c) => cause.categories.includes(c));
    if (match) {
      evidence.push({ probe: 'incident', supports: true, text: `The error shows a ${match} failure, which this cause produces.` });
      notSupported *= 1 - cause.prior;
    } else {
      evidence.push({ probe: 'incident', supports: false, text: `This cause does not usually produce a ${incident.category} failure.` });
      notAgainst *= 1 - CATEGORY_MISMATCH_WEIGHT;
    }
  }

  for (const rule of cause.evidence) {
    const result = evaluate(rule.when, roots);
    if (result.truth !== true) continue;
    evidence.push({ probe: attribution(rule), supports: rule.supports, text: fillTemplate(rule.text, input.target, roots, result.value) });
    if (rule.supports) {
      supporting++;
      if (rule.weight >= FINDING_WEIGHT) finding = true;
      notSupported *= 1 - rule.weight;
    } else {
      notAgainst *= 1 - rule.weight;
    }
  }
  if (supporting === 0 && !(incident && evidence[0]?.supports)) return null;
  if (!incident && !finding) return null;
  // Without an incident the prior only counts once some probe evidence supports the cause.
  if (!incident) notSupported *= 1 - cause.prior;
  const confidence = Math.round((1 - notSupported) * notAgainst * 100) / 100;
  if (confidence < MIN_CONFIDENCE) return null;

  // Evidence for first, then against, each in knowledge-base order.
  evidence.sort((a, b) => Number(b.supports) - Number(a.supports));
  return {
    id: cause.id,
    title: cause.title,
    confidence,
    explanation: fillTemplate(cause.explanation, input.target, roots),
    evidence,
    fixes: fixesFor(cause, incident?.ecosystem ?? null, input, roots),
    verify: cause.verify.map((v) => fillCommand(v, input.target, roots)),
    references: [...cause.references],
    supporting,
  };
}

function fixesFor(cause: CauseEntry, ecosystem: string | null, input: RankInput, roots: EvalRoots): Fix[] {
  const fixes: Fix[] = cause.fixes.map((f) => ({ side: f.side, text: fillTemplate(f.text, input.target, roots) }));
  const eco = ecosystem ? (ECOSYSTEM_ALIASES[ecosystem.toLowerCase()] ?? ecosystem.toLowerCase()) : null;
  const matching = cause.snippets.filter((s) => s.ecosystem === eco || s.ecosystem === 'shell');
  // Unknown ecosystem (or none of ours): show every snippet rather than none.
  const chosen = matching.some((s) => s.ecosystem === eco) ? matching : cause.snippets;
  for (const s of chosen) {
    fixes.push({ side: s.side, text: s.title, code: { language: s.language, ecosystem: s.ecosystem, source: s.source } });
  }
  return fixes;
}

function attribution(rule: EvidenceRule): ProbeId | 'incident' {
  if (rule.probe) return rule.probe;
  const root = firstRoot(rule.when);
  return root && (PROBE_IDS as readonly string[]).includes(root) ? (root as ProbeId) : 'incident';
}

function firstRoot(p: Predicate): string | null {
  if ('all' in p) return p.all.length > 0 ? firstRoot(p.all[0]) : null;
  if ('any' in p) return p.any.length > 0 ? firstRoot(p.any[0]) : null;
  if ('not' in p) return firstRoot(p.not);
  return p.probe;
}
