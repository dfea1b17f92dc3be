/**
 * The VS Code language-model tools as plain data (no 'vscode'): their ids, what the
 * diagnose tool is about (an incident of the history, a text, a target, or the latest
 * incident), the consent it asks for, and the incidents list. Unit-tested in plain Node.
 */
import { join } from 'node:path';
import type { DiagnoseSubject, DiagnoseToolInput } from '../../core/agents/agentInput';
import { diagnoseSubject } from '../../core/agents/agentInput';
import { maskSecrets } from '../../core/diagnose/mask';
import { targetFromIncident } from '../../core/probes/target';
import { hostPort, isLoopbackHost } from '../../core/target/address';
import type { Target } from '../../core/types';
import { isIgnoredHost } from './configModel';
import type { IncidentHistory, StoredIncident } from './incidentHistory';
import type { Translate } from './wording';
import { targetLabel } from './wording';
import { clip } from '../../core/clip';

/** Tool names (contributes.languageModelTools; a unit test compares them). */
export const LmTools = {
  diagnose: 'connectionDoctor_diagnose',
  incidents: 'connectionDoctor_incidents',
  explain: 'connectionDoctor_explain',
} as const;

/** Id of the MCP server definition provider (contributes.mcpServerDefinitionProviders). */
export const MCP_PROVIDER_ID = 'connectionDoctor.mcp';

/** The label VS Code shows for the bundled MCP server. */
export const MCP_SERVER_LABEL = 'Connection Doctor';

/**
 * How VS Code starts the bundled MCP server: the editor's own runtime running dist/cli.js.
 * Untrusted workspaces get `--offline` (nothing is probed); Electron needs ELECTRON_RUN_AS_NODE to act as Node.
 */
export function mcpLaunch(extensionPath: string, trusted: boolean, runtime: { execPath: string; electron: boolean }): { command: string; args: string[]; env: Record<string, string> } {
  return {
    command: runtime.execPath,
    args: [join(extensionPath, 'dist', 'cli.js'), 'mcp', ...(trusted ? [] : ['--offline'])],
    env: runtime.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {},
  };
}

/** Input of connectionDoctor_diagnose: the MCP tool's, plus an incident of the history. */
export interface LmDiagnoseInput extends DiagnoseToolInput {
  /** The id of an incident listed by connectionDoctor_incidents. */
  incidentId?: string;
}

/** Input of connectionDoctor_incidents. */
export interface LmIncidentsInput {
  /** Only incidents whose host or host:port contains this text. */
  target?: string;
  /** Only incidents seen at or after this time: ISO 8601, or an age such as "15m", "2h", "1d". */
  since?: string;
  /** Most incidents listed (default 20). */
  limit?: number;
}

/** Input of connectionDoctor_explain. */
export interface LmExplainInput {
  error?: string;
  incidentId?: string;
}

/** Default and largest number of incidents listed. */
export const INCIDENTS_LIMIT = { default: 20, max: 100 } as const;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * What the diagnose tool probes: an incident by id, the error text and/or target,
 * else the latest incident of this window's history.
 */
export function lmDiagnoseSubject(input: LmDiagnoseInput, store: Pick<IncidentHistory, 'get' | 'latest'>): DiagnoseSubject & { stored?: StoredIncident } {
  const id = str(input.incidentId);
  if (id !== undefined) {
    const stored = store.get(id);
    if (!stored) return { error: `No incident with id "${id.slice(0, 64)}" is in the history: list them with ${LmTools.incidents}.` };
    const target = targetFromIncident(stored);
    if (!target && !str(input.target)) return { error: `That ${stored.category} incident names no host and port: give "target" too.` };
    const fromTarget = str(input.target) ? diagnoseSubject({ target: input.target }) : null;
    if (fromTarget && 'error' in fromTarget) return fromTarget;
    return { target: fromTarget ? fromTarget.target : (target as Target), incident: stored, note: fromTarget?.note ?? null, stored };
  }
  if (str(input.error)?.trim() || str(input.target)?.trim()) return diagnoseSubject({ error: str(input.error), target: str(input.target) });
  const latest = store.latest();
  if (!latest) return { error: 'No connection failure has been seen in this window yet: give "error" (the failure text) or "target" (host:port or URL).' };
  const target = targetFromIncident(latest);
  if (!target) return { error: `The latest incident (${latest.category}) names no host and port: give "target".` };
  return { target, incident: latest, note: null, stored: latest };
}

/** Why the tool must not probe the target (an ignored host), or null. */
export function refusal(target: Target, ignoredHosts: readonly string[]): string | null {
  return isIgnoredHost(target.host, ignoredHosts) ? `${target.host} is in "connectionDoctor.ignoredHosts": it is never probed.` : null;
}

/**
 * The confirmation the probing tool asks for, or null when none is needed: probing a
 * loopback target in a trusted workspace reaches nothing beyond this machine; any other
 * host, or any probe requested in Restricted Mode, is confirmed by the user first.
 */
export function probeConfirmation(target: Target, trusted: boolean, t: Translate): { title: string; message: string } | null {
  // A loopback target needs no confirmation, as for Diagnose.
  if (trusted && isLoopbackHost(target.host)) return null;
  const where = hostPort(target.host, target.port);
  return {
    title: t('Probe {0}?', where),
    message: t(
      'Connection Doctor will connect to {0} (DNS, TCP, TLS and HTTP probes and a few repeated connects, for a few seconds), through its proxy if one is configured. Nothing else is contacted and nothing is sent but the probes.',
      `\`${where}\``,
    ),
  };
}

/** Milliseconds of an age such as "90s", "15m", "2h", "1d", or null. */
function ageMs(text: string): number | null {
  const unit = text.slice(-1);
  const n = Number(text.slice(0, -1));
  const scale = unit === 's' ? 1_000 : unit === 'm' ? 60_000 : unit === 'h' ? 3_600_000 : unit === 'd' ? 86_400_000 : 0;
  return scale > 0 && Number.isFinite(n) && n >= 0 && text.length <= 12 ? n * scale : null;
}

/** Epoch ms of `since` (ISO 8601 or an age), or an error sentence. */
export function sinceEpoch(since: string, now: number): number | { error: string } {
  const s = since.trim();
  const age = ageMs(s);
  if (age !== null) return now - age;
  const t = s.length <= 64 ? Date.parse(s) : NaN;
  return Number.isFinite(t) ? t : { error: `"since" must be an ISO 8601 time or an age such as "15m", "2h" or "1d", not "${s.slice(0, 40)}".` };
}

/** The incidents an agent asked for, newest first, as text (one block per incident, masked). */
export function incidentsText(list: readonly StoredIncident[], input: LmIncidentsInput, now: number): { text: string; shown: StoredIncident[] } | { error: string } {
  let from = -Infinity;
  if (str(input.since)?.trim()) {
    const s = sinceEpoch(input.since as string, now);
    if (typeof s !== 'number') return s;
    from = s;
  }
  const needle = str(input.target)?.trim().toLowerCase();
  const limit = Math.min(INCIDENTS_LIMIT.max, Math.max(1, Math.round(typeof input.limit === 'number' && Number.isFinite(input.limit) ? input.limit : INCIDENTS_LIMIT.default)));
  const matching = list.filter((i) => i.lastSeen >= from && (!needle || (targetLabel(i.host, i.port) ?? '').toLowerCase().includes(needle) || (i.url ?? '').toLowerCase().includes(needle)));
  const shown = matching.slice(0, limit);
  if (shown.length === 0) {
    return { text: list.length === 0 ? 'No connection failure has been seen in this window.' : 'No incident matches (there are others: widen "target" or "since").', shown };
  }
  const blocks = shown.map((i) => {
    const o = i.origin;
    const lines = [
      `- id: ${i.id}`,
      `  category: ${i.category}${i.code ? ` (${i.code})` : ''}`,
      `  target: ${targetLabel(i.host, i.port) ?? 'not named in the output'}`,
      `  program: ${i.ecosystem ?? 'unknown'}`,
      `  source: ${o.kind} "${o.name}"${o.debugType ? ` (${o.debugType})` : ''}`,
    ];
    if (o.commandLine) lines.push(`  command: ${oneLine(o.commandLine, 300)}`);
    if (o.exitCode !== undefined) lines.push(`  exit code: ${o.exitCode}`);
    lines.push(`  count: ${i.count}`, `  first seen: ${new Date(i.firstSeen).toISOString()}`, `  last seen: ${new Date(i.lastSeen).toISOString()} (${ago(now - i.lastSeen)})`);
    lines.push(`  text: ${oneLine(i.text.split('\n')[0] ?? '', 300)}`);
    return lines.join('\n');
  });
  const head = `${matching.length} incident${matching.length === 1 ? '' : 's'}${matching.length > shown.length ? `, the newest ${shown.length} shown` : ''} (newest first). Diagnose one with ${LmTools.diagnose} and its id.`;
  return { text: maskSecrets([head, ...blocks].join('\n')), shown };
}

function oneLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\x00-\x1f\x7f]+/g, ' ');
  return clip(flat, max);
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}
