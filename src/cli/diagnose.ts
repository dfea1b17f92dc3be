/**
 * `connection-doctor diagnose`: probes a target (typed, or named by an error
 * text) and prints the ranked causes, as JSON or as a readable report.
 * Exit 0 when a diagnosis ran (whatever it found), 2 for bad input.
 */
import { detectText } from '../core/detect/detect';
import { runDiagnosis } from '../core/diagnose/diagnose';
import { parseTargetOrName, targetFromIncident } from '../core/probes/target';
import type { Incident, Target } from '../core/types';
import { DIAGNOSE_USAGE, parseDiagnoseArgs } from './diagnoseArgs';
import { maskDeep, maskSecrets } from '../core/diagnose/mask';
import { renderText } from '../core/diagnose/textReport';
import { ProgressLine } from './progress';
import { readBounded } from './boundedRead';
import { jsonForTerminal, sanitizeForTerminal, sanitizeLines } from './terminalText';

/** Largest --error-file read (the detector only needs the failure's lines). */
const MAX_ERROR_FILE = 4 * 1024 * 1024;
/** Longest wait for a pipe or FIFO given as --error-file to end. */
const ERROR_FILE_WAIT_MS = 5_000;

/** Runs the command; resolves to the exit status. */
export async function runDiagnose(args: string[]): Promise<number> {
  const parsed = parseDiagnoseArgs(args);
  if ('error' in parsed) return fail(parsed.error);
  if (parsed.help) {
    process.stdout.write(`${DIAGNOSE_USAGE}\n`);
    return 0;
  }

  let incident: Incident | null = null;
  let errorGiven = false;
  if (parsed.errorText !== undefined || parsed.errorFile !== undefined) {
    errorGiven = true;
    let text = parsed.errorText ?? '';
    if (parsed.errorFile !== undefined) {
      const read = await readBounded(parsed.errorFile, MAX_ERROR_FILE, ERROR_FILE_WAIT_MS);
      if ('error' in read) return fail(`--error-file: ${read.error}`);
      if (read.timedOut && read.text === '') return fail(`--error-file: nothing arrived from "${parsed.errorFile}" within ${ERROR_FILE_WAIT_MS / 1000} s`);
      text = read.text;
    }
    const incidents = detectText(text);
    incident = incidents.find((i) => targetFromIncident(i) !== null) ?? incidents[0] ?? null;
  }

  let target: Target;
  if (parsed.target !== undefined) {
    const t = parseTargetOrName(parsed.target);
    if ('error' in t) return fail(t.error);
    target = t;
  } else if (incident && targetFromIncident(incident)) {
    target = targetFromIncident(incident) as Target;
  } else if (errorGiven) {
    return fail(incident ? 'the error text names no host and port: give TARGET too' : 'no connection failure found in the error text: give TARGET');
  } else {
    return fail(`no target: give a URL, host:port or [ipv6]:port, or --error TEXT (${DIAGNOSE_USAGE.replace('Usage: ', '')})`);
  }

  const ac = new AbortController();
  const onSignal = (): void => ac.abort();
  process.once('SIGINT', onSignal);
  const progress = !parsed.json && process.stderr.isTTY ? new ProgressLine(process.stderr) : null;
  try {
    const diagnosis = await runDiagnosis(target, incident, {
      timeoutMs: budgetAfterStartUp(parsed.timeoutMs),
      attempts: parsed.attempts,
      signal: ac.signal,
      env: process.env,
      onProbe: progress ? (r, phase) => progress.update({ ...r, summary: sanitizeForTerminal(maskSecrets(r.summary)) }, phase) : undefined,
    });
    progress?.done();
    process.stdout.write(parsed.json ? `${jsonForTerminal(maskDeep(diagnosis))}\n` : sanitizeLines(renderText(diagnosis)));
    return 0;
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}

function fail(message: string): number {
  // Messages quote the target and file name the user gave, which may hold controls.
  process.stderr.write(`connection-doctor diagnose: ${sanitizeForTerminal(message)}\n`);
  return 2;
}

/** Time the process needs after the probes to print and exit. */
const EXIT_MARGIN_MS = 20;

/**
 * The probes' budget, less what starting this process already took, so that the
 * whole command ends within --timeout as a user times it (never below 250 ms).
 */
function budgetAfterStartUp(timeoutMs: number | undefined): number | undefined {
  if (timeoutMs === undefined) return undefined;
  const elapsed = performance.now(); // measured from the start of this process
  return Math.max(250, Math.round(timeoutMs - elapsed - EXIT_MARGIN_MS));
}
