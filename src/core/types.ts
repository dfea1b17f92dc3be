/**
 * Types shared by every part of the core (detection, probes, diagnosis, reports)
 * and by the VS Code layer. Never imports 'vscode'.
 */

/** The kinds of connection failure Connection Doctor tells apart. */
export const CATEGORIES = ['reset', 'timeout', 'refused', 'dns', 'unreachable', 'tls', 'closed'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Where one folded occurrence of an incident is: 1-based first and last line. */
export interface Occurrence {
  line: number;
  endLine: number;
}

/** Most positions an incident lists in `occurrences`; `count` goes on counting past it. */
export const MAX_OCCURRENCES = 100;

/** A connection failure found in output, after folding repeats. */
export interface Incident {
  /** Stable key of the failure (category + rule + host + port) used to fold repeats. */
  key: string;
  category: Category;
  /** Other categories the same text also shows. */
  also: Category[];
  /** errno-style code such as ECONNREFUSED, or null. */
  code: string | null;
  /** connect | read | write | getaddrinfo | ..., or null. */
  syscall: string | null;
  host: string | null;
  port: number | null;
  url: string | null;
  /** Where `port` came from: written in the output, the command line that ran, or the program's default port. */
  portFrom?: 'output' | 'commandLine' | 'default';
  /** The proxy (or jump host) the connection went through, when the output or the command line names one; host and port are then the destination when it is known. */
  proxy?: { host: string; port: number | null } | null;
  /** The IP address written in the output (`localhost (::1)`: it beats the host name), or null. */
  address?: string | null;
  /** Time to failure written in the output (curl "after N ms", undici "timeout: N ms", Python "timeout=N"), in ms, or null. */
  elapsedMs?: number | null;
  /** The program that printed it: node, python, curl, ... or null. */
  ecosystem: string | null;
  /** Id of the knowledge-base detection rule that matched. */
  rule: string;
  /** How many times this failure was seen (a retry loop folds into one incident). */
  count: number;
  /** The stripped line(s) of the failure. */
  text: string;
  /** 1-based first and last line of the (first) occurrence in the stream. */
  line: number;
  endLine: number;
  /**
   * Every occurrence folded into this incident, in stream order (the first is line/endLine), at
   * most MAX_OCCURRENCES: `count - occurrences.length` more were folded without a position.
   * Absent on incidents stored before it existed.
   */
  occurrences?: Occurrence[];
  /** Epoch milliseconds of the first and latest occurrence. */
  firstSeen: number;
  lastSeen: number;
}

/** What a probe or a diagnosis is about. */
export interface Target {
  host: string;
  port: number;
  /** http, https, ws, wss, postgres, ... or null for a bare host:port. */
  scheme: string | null;
  url: string | null;
  /**
   * A host named without a port (a name-resolution failure, or a host typed alone): only the name
   * is probed (resolve and proxy); `port` is then a placeholder that no probe connects to.
   */
  nameOnly?: true;
}

/** Outcome of one probe. Probes never throw: failures are results. */
export type ProbeStatus = 'ok' | 'fail' | 'skipped';

/** Ids of the probes; one file each under core/probes/. */
export const PROBE_IDS = ['resolve', 'tcp', 'tls', 'http', 'listeners', 'proxy', 'repeat', 'keepalive', 'service'] as const;
export type ProbeId = (typeof PROBE_IDS)[number];

/** A structured probe result. `data` has a per-probe shape declared in core/probes/types.ts. */
export interface ProbeResult<D = Record<string, unknown>> {
  id: ProbeId;
  status: ProbeStatus;
  /** Wall time the probe took, in milliseconds. */
  ms: number;
  /** One line a person can read. */
  summary: string;
  data: D;
  error?: { code: string; message: string };
}

/** One piece of evidence for or against a cause. */
export interface Evidence {
  /** The probe it comes from, or 'incident' when it comes from the error text. */
  probe: ProbeId | 'incident';
  supports: boolean;
  text: string;
}

/** A fix, split by where it is applied. */
export interface Fix {
  side: 'client' | 'server' | 'network';
  text: string;
  /** Code for one ecosystem, when the fix is code. */
  code?: { language: string; ecosystem: string; source: string };
}

/** One word of a verification command: literal text, or a variable of the user's environment. */
export type CommandWord = string | { env: string };

/** A verification command as data (programs and arguments, filled by the engine), never a string with text pasted in. */
export interface VerifyCommand {
  /** The shells it is written for: POSIX tools (sh, bash, zsh) or PowerShell cmdlets. */
  shell: 'posix' | 'powershell';
  /** Pipeline stages, each a program followed by its arguments. */
  pipeline: CommandWord[][];
  /** The first stage reads the null device. */
  stdinNull?: boolean;
  /** Where the first stage's standard error goes. */
  stderr?: 'null' | 'stdout';
  /** How many times the pipeline runs. */
  repeat?: number;
  /** The command as shown, rendered for its own shell family; null when it is withheld. */
  text: string | null;
  /** Why it is withheld (an argument that cannot be quoted safely). */
  withheld?: string;
}

/** A cause of the knowledge base, ranked for one diagnosis. */
export interface RankedCause {
  id: string;
  title: string;
  /** 0..1 */
  confidence: number;
  explanation: string;
  evidence: Evidence[];
  fixes: Fix[];
  /** Commands a person can run to check (curl -v, ss -ltnp, nc -vz, ...). */
  verify: VerifyCommand[];
  references: string[];
}

/** The whole result of `diagnose`; the CLI's --json prints exactly this. */
export interface Diagnosis {
  target: Target;
  incident: Incident | null;
  probes: ProbeResult[];
  /** Sorted by confidence, highest first. */
  causes: RankedCause[];
  verdict: string;
}
