/**
 * What the user typed or selected for "Diagnose connection": a URL, host:port,
 * or a pasted error text. Pure (no 'vscode'), so the input box's validation is unit-tested.
 */
import { parseTargetOrName, targetFromIncident } from '../../core/probes/target';
import type { Incident, Target } from '../../core/types';
import { detectText } from '../../core/detect/detect';
import type { Translate } from './wording';

/** Longest text accepted in the input box or from a selection. */
export const MAX_INPUT_CHARS = 64 * 1024;

/** The reading of an input. */
export type DiagnoseInput =
  | { kind: 'target'; target: Target }
  | { kind: 'incident'; incident: Incident; target: Target | null }
  | { kind: 'error'; message: string };

/** Reads an input: a target first (it is cheaper and unambiguous), else a failure in the text. */
export function readDiagnoseInput(value: string, t: Translate): DiagnoseInput {
  const text = value.trim();
  if (text.length === 0) return { kind: 'error', message: t('Enter a URL (https://host/path), host:port, or paste an error message.') };
  if (text.length > MAX_INPUT_CHARS) return { kind: 'error', message: t('The text is too long; paste only the error lines.') };
  const looksLikeTarget = !/\s/.test(text);
  if (looksLikeTarget) {
    const parsed = parseTargetOrName(text);
    if (!('error' in parsed)) return { kind: 'target', target: parsed };
    const incident = detectText(text)[0];
    if (incident) return { kind: 'incident', incident, target: targetFromIncident(incident) };
    return { kind: 'error', message: t('Not a target: {0}. Enter a URL, host:port, or paste an error message.', parsed.error) };
  }
  const incident = detectText(text)[0];
  if (incident) return { kind: 'incident', incident, target: targetFromIncident(incident) };
  return { kind: 'error', message: t('No connection failure found in this text. Enter a URL, host:port, or paste an error message.') };
}

/** The input box's validation message, or undefined when the input is usable. */
export function validateDiagnoseInput(value: string, t: Translate): string | undefined {
  const read = readDiagnoseInput(value, t);
  if (read.kind === 'error') return read.message;
  if (read.kind === 'incident' && read.target === null) return t('This error names no host and port. Enter host:port or a URL instead.');
  return undefined;
}
