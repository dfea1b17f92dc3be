/**
 * Some failures name no host ("curl: (56) Recv failure: Connection reset by
 * peer", Node's "read ECONNRESET"). When the command that printed them named
 * exactly one URL, that URL is the target. Pure (no 'vscode').
 */
import { maskSecrets } from '../core/diagnose/mask';
import { incidentKey } from '../core/detect/incidentBuilder';
import { parseTarget } from '../core/probes/target';
import type { Incident, Target } from '../core/types';

/** Longest command line examined. */
const MAX_COMMAND_LINE = 4_096;

/** The one URL target a command line names, or null when it names none or several. */
export function urlTargetOf(commandLine: string): Target | null {
  if (commandLine.length > MAX_COMMAND_LINE) return null;
  let found: Target | null = null;
  for (const raw of commandLine.split(/\s+/)) {
    const token = raw.replace(/^['"]+|['"]+$/g, '');
    if (!token.includes('://')) continue;
    const t = parseTarget(token);
    if ('error' in t) continue;
    if (found && (found.host !== t.host || found.port !== t.port)) return null;
    found ??= t;
  }
  return found;
}

/** The incident with the command line's URL as its target when the output named none. */
export function withCommandLineTarget(incident: Incident, commandLine: string | undefined): Incident {
  if (incident.host !== null || !commandLine) return incident;
  const target = urlTargetOf(commandLine);
  if (!target) return incident;
  return {
    ...incident,
    host: target.host,
    port: target.port,
    url: incident.url ?? (target.url ? maskSecrets(target.url) : null),
    key: incidentKey(incident.category, incident.rule, target.host, target.port),
  };
}
