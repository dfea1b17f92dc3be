/**
 * Every user-facing string of the two webviews, in English, keyed. Pure (no
 * 'vscode', no DOM): the host translates each one with `vscode.l10n.t` and sends
 * the table to the page with its first state after `ready`; the page renders
 * through `t(key, ...args)` (src/webview/l10n.ts). `{0}`, `{1}`, ... are
 * placeholders, filled in as text (never HTML).
 */
export const STRINGS = {
  // Shared by both pages and by the host's notifications and hovers (one wording table).
  categoryReset: 'Connection reset',
  categoryTimeout: 'Connection timed out',
  categoryRefused: 'Connection refused',
  categoryDns: 'Host name could not be resolved',
  categoryUnreachable: 'Network unreachable',
  categoryTls: 'TLS handshake failed',
  categoryClosed: 'Connection closed before a response',
  justNow: 'just now',
  secondsAgo: '{0} s ago',
  minutesAgo: '{0} min ago',
  hoursAgo: '{0} h ago',
  durationMs: '{0} ms',
  durationSeconds: '{0} s',
  originTerminal: "terminal '{0}'",
  originManual: 'entered by you',
  times: '{0} times',

  // The diagnosis panel.
  waiting: 'Waiting for the diagnosis…',
  titleIncident: '{0}: {1}',
  titleDiagnosis: 'Diagnosis of {0}',
  metaTarget: 'Target',
  metaError: 'Error',
  metaSeenIn: 'Seen in',
  metaProgram: 'Program',
  metaWhen: 'When',
  metaHowOften: 'How often',
  metaRan: 'Ran',
  originDebugSession: "debug session '{0}'",
  originFile: "file '{0}'",
  exitCode: '(exit code {0})',
  firstSeen: '(first {0})',
  once: 'once',
  errorOutput: 'Error output',
  remoteSsh: 'SSH remote',
  remoteDevContainer: 'dev container',
  remoteContainer: 'container',
  remoteTunnel: 'remote tunnel',
  remoteNamed: 'remote “{0}”',
  ranRemote: 'in the {0}, where the workspace runs',
  ranRemoteOnMachine: 'in the {0} ({1}), where the workspace runs',
  ranLocal: 'on this machine',
  ranLocalOnMachine: 'on this machine ({0})',
  networkView: 'Network view: the program’s environment, {0}',
  throughProxy: 'through proxy {0}',
  directNoProxy: 'direct (no proxy variable applies)',
  vscodeProxyDiffers: 'VS Code itself uses {0} (http.proxy): its view differs',
  cancel: 'Cancel',
  rerun: 'Re-run',
  copyReport: 'Copy report',
  openMarkdown: 'Open as Markdown',
  diagnosisActions: 'Diagnosis actions',
  probesHeading: 'Probes {0}',
  probeResolve: 'Name resolution',
  probeTcp: 'TCP connect',
  probeTls: 'TLS handshake',
  probeHttp: 'HTTP request',
  probeListeners: 'Local listeners',
  probeProxy: 'Proxy',
  probeRepeat: 'Repeated connects',
  probeKeepalive: 'Idle keep-alive',
  probeService: 'Service greeting',
  statePending: 'pending',
  stateRunning: 'running',
  stateOk: 'ok',
  stateFail: 'failed',
  stateSkipped: 'skipped',
  probeNotStarted: 'Not started yet.',
  probeInProgress: 'Running…',
  probeNotRun: 'Not run.',
  probeNoDetails: 'No details.',
  verdict: 'Verdict',
  probing: 'Probing… the verdict appears when the probes finish.',
  cancelledNote: 'Cancelled. Re-run to probe again.',
  failedNote: 'The diagnosis failed: {0}',
  unknownError: 'unknown error',
  restoredNote: 'Restored from an earlier session: re-run to refresh the result and to run its commands.',
  noCause: 'No cause of the knowledge base fits these results.',
  causesLabel: 'Likely causes, most likely first',
  confidence: 'Confidence',
  confidenceValue: '{0}% confidence',
  percent: '{0}%',
  evidence: 'Evidence',
  evidenceFor: 'For',
  evidenceAgainst: 'Against',
  evidenceErrorText: 'error text',
  fixes: 'Fixes',
  sideClient: 'Client',
  sideServer: 'Server',
  sideNetwork: 'Network',
  copyCode: 'Copy code',
  copy: 'Copy',
  copyCommand: 'Copy the command',
  withheld: 'Not shown',
  runInTerminal: 'Run in terminal',
  runInTerminalTitle: 'Run the command in a new terminal',
  checkYourself: 'Check it yourself',
  references: 'References',
  announceProbe: '{0}: {1}',
  announceProbeMs: '{0}: {1}, {2}',
  announceDiagnosing: 'Diagnosing {0}…',
  announceVerdict: 'Verdict: {0}',
  announceCancelled: 'Diagnosis cancelled.',
  announceFailed: 'The diagnosis failed.',

  // The incidents side view.
  filterPlaceholder: 'Filter by host, port, error or source',
  filterLabel: 'Filter incidents',
  clearAll: 'Clear all incidents',
  groupsLabel: 'Incidents by target',
  unknownSource: 'unknown source',
  loading: 'Loading…',
  emptyTitle: 'No connection failures seen yet.',
  emptyBody: 'Connection Doctor watches terminals and debug sessions. When a program fails to connect (refused, reset, timed out, DNS, TLS), the failure shows up here.',
  noMatch: 'No incidents match “{0}”.',
  incidentCountOne: '1 incident',
  incidentCountMany: '{0} incidents',
  targetCountOne: '1 target',
  targetCountMany: '{0} targets',
  summary: '{0} on {1}',
  summaryFiltered: '{0} on {1} (filtered from {2})',
  expandTarget: 'Expand {0}',
  collapseTarget: 'Collapse {0}',
  diagnoseTarget: 'Diagnose {0}',
  mutedTitle: 'Muted: raises no notifications',
  muted: 'muted',
  muteTarget: 'Mute {0}',
  removeTarget: 'Remove the incidents of {0}',
  diagnose: 'Diagnose',
  remove: 'Remove',
  repeatCount: '{0}×',
  newIncidentOne: '1 new incident',
  newIncidentsMany: '{0} new incidents',
} as const;

/** A key of {@link STRINGS}. */
export type StringKey = keyof typeof STRINGS;

/** The translated table the host sends to a page: every key, in the display language. */
export type WebviewStrings = Readonly<Record<StringKey, string>>;

/** Longest translated string a page accepts. */
export const MAX_STRING_CHARS = 2_000;

/** Every key, in declaration order. */
export const STRING_KEYS = Object.keys(STRINGS) as StringKey[];

/** Whether `key` is one of ours (own keys only: `__proto__` or `toString` are not). */
export function isStringKey(key: string): key is StringKey {
  return Object.prototype.hasOwnProperty.call(STRINGS, key);
}

/** The host's table: each English string through `translate` (the host passes `vscode.l10n.t`). */
export function translateStrings(translate: (english: string) => string): WebviewStrings {
  const out = {} as Record<StringKey, string>;
  for (const key of STRING_KEYS) out[key] = translate(STRINGS[key]);
  return out;
}

/**
 * Reads a table that arrived in a message or from saved state: only our keys,
 * only strings of bounded length. Returns an empty table for anything else.
 */
export function readStrings(v: unknown): Partial<Record<StringKey, string>> {
  const out: Partial<Record<StringKey, string>> = {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return out;
  for (const [key, value] of Object.entries(v)) {
    if (isStringKey(key) && typeof value === 'string' && value.length <= MAX_STRING_CHARS) out[key] = value;
  }
  return out;
}

// One digit group between braces: linear, no nesting.
const PLACEHOLDER = /\{(\d{1,2})\}/g;

/** Fills `{0}`, `{1}`, ... with `args` (a missing argument leaves its placeholder). */
export function formatString(template: string, args: readonly (string | number)[]): string {
  if (args.length === 0) return template;
  return template.replace(PLACEHOLDER, (m, n: string) => {
    const arg = args[Number(n)];
    return arg === undefined ? m : String(arg);
  });
}

/** Splits a template around its placeholders: text parts, and argument indexes where arguments go. */
export function splitTemplate(template: string): (string | number)[] {
  const out: (string | number)[] = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    const at = m.index ?? 0;
    if (at > last) out.push(template.slice(last, at));
    out.push(Number(m[1]));
    last = at + m[0].length;
  }
  if (last < template.length) out.push(template.slice(last));
  return out;
}
