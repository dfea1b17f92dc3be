/** `runDiagnosis`: runs the probes against a target and ranks the causes. */
import { runProbes } from '../probes/runProbes';
import type { Diagnosis, Incident, ProbeId, ProbeResult, Target } from '../types';
import { rankCauses } from './rank';

/** Options of a diagnosis run. */
export interface DiagnosisOptions {
  /** Overall probe budget in ms (default 3000). */
  timeoutMs?: number;
  /** Attempts of the repeat probe (default 5). */
  attempts?: number;
  signal?: AbortSignal;
  /** Called when each probe starts and ends. */
  onProbe?: (result: ProbeResult, phase: 'start' | 'done') => void;
  /** Environment for the proxy variables (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** VS Code's http.proxy, when run inside the editor. */
  vscodeProxy?: string | null;
  /** Extra trusted CA certificates (PEM) for the TLS probes. */
  tlsCa?: string[];
  /** The command line that failed (shell integration), to decide the service of a bare host:port. */
  commandLine?: string | null;
}

/** The probes of a host named without a port: nothing connects to it. */
const NAME_ONLY_PROBES: readonly ProbeId[] = ['resolve', 'proxy'];

/** Probes the target (never throws for network failures) and ranks the causes of the incident. */
export async function runDiagnosis(target: Target, incident: Incident | null, options: DiagnosisOptions = {}): Promise<Diagnosis> {
  const probes = await runProbes(target, {
    ...(target.nameOnly === true ? { only: NAME_ONLY_PROBES } : {}),
    timeoutMs: options.timeoutMs,
    attempts: options.attempts,
    signal: options.signal,
    onProbe: options.onProbe,
    env: options.env ?? process.env,
    vscodeProxy: options.vscodeProxy ?? null,
    incident,
    ...(options.tlsCa ? { tlsCa: options.tlsCa } : {}),
    ...(options.commandLine ? { commandLine: options.commandLine } : {}),
  });
  const { causes, verdict } = rankCauses({ target, incident, probes });
  return { target, incident, probes, causes, verdict };
}
