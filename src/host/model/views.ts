/**
 * Turns the host's objects into the plain views the webviews render: incidents,
 * groups by target, probe rows and the "whose network" summary. Pure (no
 * 'vscode' at run time), so it is unit-tested in plain Node.
 */
import { PROBE_IDS } from '../../core/types';
import type { Incident, ProbeResult, RankedCause, Target } from '../../core/types';
import { maskSecrets } from '../../core/diagnose/mask';
import { proxyFor } from '../../core/probes/proxyChoice';
import { dialectOf, displayDialect, renderCommand } from '../../core/shell/render';
import type { Dialect, Rendered } from '../../core/shell/render';
import type { IncidentGroupView, IncidentView, PanelModel, ProbeRowView, WhereView } from '../../shared/protocol';
import { targetKeyOf } from '../../shared/protocol';
import type { StoredIncident } from './incidentHistory';

/** The view of a stored incident (or of a bare detector incident, which has no id). */
export function toIncidentView(incident: StoredIncident | Incident): IncidentView {
  const stored = 'id' in incident ? (incident as StoredIncident) : null;
  const origin = stored?.origin;
  return {
    id: stored?.id ?? null,
    category: incident.category,
    code: incident.code,
    text: incident.text,
    host: incident.host,
    port: incident.port,
    url: incident.url,
    ecosystem: incident.ecosystem,
    count: incident.count,
    firstSeen: incident.firstSeen,
    lastSeen: incident.lastSeen,
    origin: origin
      ? {
          kind: origin.kind,
          name: origin.name,
          ...(origin.commandLine !== undefined ? { commandLine: origin.commandLine } : {}),
          ...(origin.exitCode !== undefined ? { exitCode: origin.exitCode } : {}),
        }
      : null,
  };
}

/** Groups incidents by target ("host:port"), newest group first; `isMuted` marks muted targets. */
export function groupIncidents(incidents: readonly StoredIncident[], isMuted: (targetKey: string) => boolean): IncidentGroupView[] {
  const groups = new Map<string, IncidentGroupView>();
  for (const incident of incidents) {
    const key = targetKeyOf(incident.host, incident.port);
    let group = groups.get(key);
    if (!group) {
      group = { targetKey: key, host: incident.host, port: incident.port, category: incident.category, count: 0, lastSeen: 0, muted: isMuted(key), incidents: [] };
      groups.set(key, group);
    }
    group.count += incident.count;
    if (incident.lastSeen > group.lastSeen) {
      group.lastSeen = incident.lastSeen;
      group.category = incident.category;
    }
    group.incidents.push(toIncidentView(incident));
  }
  const out = [...groups.values()];
  for (const g of out) g.incidents.sort((a, b) => b.lastSeen - a.lastSeen);
  return out.sort((a, b) => b.lastSeen - a.lastSeen);
}

/** All probes pending: the first rows of a run. */
export function pendingRows(): ProbeRowView[] {
  return PROBE_IDS.map((id) => ({ id, state: 'pending', ms: null, summary: '' }));
}

/** The row of a probe that started or finished. */
export function probeRow(result: ProbeResult, phase: 'start' | 'done'): ProbeRowView {
  if (phase === 'start') return { id: result.id, state: 'running', ms: null, summary: '' };
  return { id: result.id, state: result.status, ms: Math.max(0, Math.round(result.ms)), summary: maskSecrets(result.summary) };
}

/** A fresh panel model for a run that is about to start. */
export function initialModel(run: number, target: Target, incident: StoredIncident | null, where: WhereView, now: number): PanelModel {
  return {
    run,
    target,
    incident: incident ? toIncidentView(incident) : null,
    where,
    probes: pendingRows(),
    phase: 'running',
    verdict: null,
    causes: [],
    ecosystem: incident?.ecosystem ?? null,
    error: null,
    startedAt: now,
  };
}

/**
 * The "where this ran / whose network" summary of a run. The failing program's proxy is the
 * proxy probe's own choice (core/probes/proxyChoice.ts) from its environment alone: a program
 * in a terminal does not read VS Code's http.proxy, which is shown beside it.
 */
export function whereView(target: Target, remoteName: string | null, machine: string, env: NodeJS.ProcessEnv, vscodeProxy: string | null): WhereView {
  return { remoteName, machine, programProxy: proxyFor(target, env, null).proxyForTarget, vscodeProxy: vscodeProxy ? maskSecrets(vscodeProxy) : null };
}

/** The shell a verification terminal runs and the quoting its commands get. */
export interface TerminalShell {
  dialect: Dialect;
  shellPath: string;
}

/**
 * The shell to run verification commands in: the user's default when its
 * quoting is known (sh, bash, zsh, PowerShell, cmd), else /bin/sh (or
 * PowerShell on Windows), so a command is always quoted for the shell that reads it.
 */
export function terminalShell(defaultShell: string, platform: NodeJS.Platform): TerminalShell {
  const dialect = defaultShell ? dialectOf(defaultShell) : null;
  if (dialect) return { dialect, shellPath: defaultShell };
  return platform === 'win32' ? { dialect: 'pwsh', shellPath: 'powershell.exe' } : { dialect: 'sh', shellPath: '/bin/sh' };
}

/**
 * The command line for one of a cause's verification commands, looked up by
 * position in the diagnosis the host holds (never text from the webview) and
 * rendered for the terminal's shell (null: as shown); null when there is no such command.
 */
export function terminalCommand(causes: readonly RankedCause[], causeId: string, index: number, dialect: Dialect | null): Rendered | null {
  const command = causes.find((c) => c.id === causeId)?.verify[index];
  if (!command) return null;
  if (command.text === null) return { withheld: command.withheld ?? 'it cannot be quoted safely' };
  return renderCommand(command, dialect ?? displayDialect(command));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a target back from untrusted saved state, or null. */
export function parseTarget(v: unknown): Target | null {
  if (!isRecord(v)) return null;
  const { host, port, scheme, url, nameOnly } = v;
  if (typeof host !== 'string' || host.length === 0 || host.length > 253) return null;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) return null;
  if (scheme !== null && (typeof scheme !== 'string' || scheme.length > 32)) return null;
  if (url !== null && (typeof url !== 'string' || url.length > 4096)) return null;
  return { host, port, scheme, url, ...(nameOnly === true ? { nameOnly: true as const } : {}) };
}

/**
 * The model to show after a window reload, from the state the page saved with
 * `setState` (`{ model }`), or null when it holds no usable target. The host
 * never trusts it for actions: a restored panel runs no command until re-run.
 */
export function restoredModel(state: unknown): PanelModel | null {
  if (!isRecord(state) || !isRecord(state.model)) return null;
  const m = state.model;
  const target = parseTarget(m.target);
  if (!target) return null;
  const run = typeof m.run === 'number' && Number.isInteger(m.run) && m.run >= 0 ? m.run : 0;
  return {
    // Restored content is shown by the page as it saved it; the host keeps only the target and the shapes.
    run,
    target,
    incident: isRecord(m.incident) ? (m.incident as unknown as IncidentView) : null,
    where: isRecord(m.where) ? (m.where as unknown as WhereView) : { remoteName: null, machine: '', programProxy: null, vscodeProxy: null },
    probes: Array.isArray(m.probes) ? (m.probes as ProbeRowView[]) : pendingRows(),
    phase: 'restored',
    verdict: typeof m.verdict === 'string' ? m.verdict : null,
    causes: Array.isArray(m.causes) ? (m.causes as RankedCause[]) : [],
    ecosystem: typeof m.ecosystem === 'string' ? m.ecosystem : null,
    error: null,
    startedAt: typeof m.startedAt === 'number' ? m.startedAt : 0,
  };
}
