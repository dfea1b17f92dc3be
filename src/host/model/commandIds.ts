/**
 * Every command and view id the extension contributes, in one place. A unit test
 * compares this object with `contributes.commands` in package.json to catch drift.
 * Pure: no 'vscode' import, so the test runs in plain Node.
 */

/** Command ids; every handler is registered in commands.ts (its handler map is typed by these ids). */
export const Commands = {
  /** Opens the diagnosis panel for an incident, a selection, a URL or host:port. */
  diagnose: 'connectionDoctor.diagnose',
  /** Opens the knowledge-base explanation of a failure as a Markdown preview. */
  explain: 'connectionDoctor.explain',
  /** Reveals the incidents side view. */
  showIncidents: 'connectionDoctor.showIncidents',
  /** Empties the incident history of this workspace. */
  clearIncidents: 'connectionDoctor.clearIncidents',
  /** Stops notifications for one target ("host:port"). */
  muteTarget: 'connectionDoctor.muteTarget',
  /** Lets every muted target notify again. */
  unmuteAll: 'connectionDoctor.unmuteAll',
  /** Explains how to turn on terminal shell integration. */
  shellIntegrationHelp: 'connectionDoctor.shellIntegrationHelp',
} as const;

/** A contributed command id. */
export type CommandId = (typeof Commands)[keyof typeof Commands];

/** Ids of the view container and the side view (kept in sync with package.json). */
export const Views = {
  container: 'connectionDoctor',
  incidents: 'connectionDoctor.incidents',
  /** The diagnosis panel's webview type (also in `onWebviewPanel:` of package.json). */
  diagnosisPanel: 'connectionDoctor.diagnosis',
} as const;

/** The configuration section of every setting. */
export const CONFIG_SECTION = 'connectionDoctor';

/** URI scheme of the read-only explanation documents. */
export const EXPLAIN_SCHEME = 'connection-doctor';

/** Arguments of {@link Commands.diagnose} and {@link Commands.explain} when invoked from a link, a notification or a view. */
export interface IncidentCommandArgs {
  /** Id of a stored incident. */
  incidentId?: string;
  /** Failure text (a hovered or clicked line) to detect again. */
  text?: string;
  /** Where the text came from (a file or terminal name), for the incident's origin. */
  source?: string;
  /** Kind of that source. */
  sourceKind?: 'terminal' | 'file' | 'manual';
}

const MAX_ARG_TEXT = 8_000;

/** Reads command arguments that may come from a command link (untrusted JSON) or from code. */
export function parseIncidentArgs(arg: unknown): IncidentCommandArgs {
  if (typeof arg === 'string') return arg.length > 0 && arg.length < 512 ? { incidentId: arg } : {};
  if (typeof arg !== 'object' || arg === null) return {};
  const rec = arg as Record<string, unknown>;
  const out: IncidentCommandArgs = {};
  if (typeof rec.incidentId === 'string' && rec.incidentId.length < 512) out.incidentId = rec.incidentId;
  if (typeof rec.text === 'string' && rec.text.length > 0) out.text = rec.text.slice(0, MAX_ARG_TEXT);
  if (typeof rec.source === 'string') out.source = rec.source.slice(0, 256);
  if (rec.sourceKind === 'terminal' || rec.sourceKind === 'file' || rec.sourceKind === 'manual') out.sourceKind = rec.sourceKind;
  return out;
}

/** A `command:` URI for a Markdown link, with its arguments encoded the way VS Code expects. */
export function commandUri(command: CommandId, args: IncidentCommandArgs): string {
  // encodeURIComponent leaves ( ) ! ' * alone; a ')' would end the Markdown link early.
  const encoded = encodeURIComponent(JSON.stringify([args])).replace(/[()!'*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `command:${command}?${encoded}`;
}
