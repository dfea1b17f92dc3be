/**
 * What a coding agent asks the diagnose tool about (an error text and/or a target),
 * read into a target and an incident, or one clear sentence saying what is missing.
 * Shared by the MCP server and the VS Code language-model tools; light enough for
 * activation (detection and target parsing only, no probes).
 */
import { detectText } from '../detect/detect';
import { parseTargetOrName, targetFromIncident } from '../probes/target';
import type { Incident, Target } from '../types';

/** Longest error text read (the detector needs the failure's lines, not a whole log). */
export const MAX_ERROR_CHARS = 64 * 1024;
/** Longest output block scan_output reads. */
export const MAX_SCAN_CHARS = 1024 * 1024;
/** Longest target accepted. */
export const MAX_TARGET_CHARS = 2048;

/** The input of the diagnose tools (both MCP and VS Code). */
export interface DiagnoseToolInput {
  /** The failure text as the program printed it. */
  error?: string;
  /** A URL, host:port, [ipv6]:port or a host alone. */
  target?: string;
  /** Overall probe budget in milliseconds. */
  timeoutMs?: number;
  /** Connections of the repeat probe. */
  attempts?: number;
  /** Include the full Markdown report. */
  report?: boolean;
}

/** What a diagnosis is about, or why there is nothing to diagnose. */
export type DiagnoseSubject = { target: Target; incident: Incident | null; note: string | null } | { error: string };

/** The incident an error text shows: the first that names a target, else the first one. */
export function incidentInText(text: string): Incident | null {
  const incidents = detectText(text.slice(0, MAX_ERROR_CHARS));
  return incidents.find((i) => targetFromIncident(i) !== null) ?? incidents[0] ?? null;
}

/** Reads a target; a host alone (no port) is a name-only target: only its name is resolved. */
export function readAgentTarget(text: string): { target: Target; note: string | null } | { error: string } {
  const trimmed = text.trim();
  if (trimmed.length > MAX_TARGET_CHARS) return { error: 'The target is too long: give a URL, host:port or a host name.' };
  const parsed = parseTargetOrName(trimmed);
  if ('error' in parsed) return { error: `The target is not usable: ${parsed.error}.` };
  return { target: parsed, note: parsed.nameOnly === true ? 'No port was given: only the name was resolved; nothing was connected to.' : null };
}

/** Reads the diagnose input: the target wins over the error text's address; the error text gives the incident. */
export function diagnoseSubject(input: Pick<DiagnoseToolInput, 'error' | 'target'>): DiagnoseSubject {
  const errorText = input.error?.trim() ? input.error : undefined;
  const targetText = input.target?.trim() ? input.target : undefined;
  if (errorText === undefined && targetText === undefined) {
    return { error: 'Nothing to diagnose: give "error" (the failure text as printed) or "target" (a URL, host:port or host name), or both.' };
  }
  const incident = errorText !== undefined ? incidentInText(errorText) : null;
  if (targetText !== undefined) {
    const read = readAgentTarget(targetText);
    return 'error' in read ? read : { target: read.target, incident, note: read.note };
  }
  if (!incident) return { error: 'No connection failure was found in "error": give "target" (a URL or host:port) to probe it anyway.' };
  const target = targetFromIncident(incident);
  if (!target) return { error: `The ${incident.category} failure in "error" names no host and port: give "target" too.` };
  return { target, incident, note: null };
}
