/**
 * The message protocol between the extension host and its two webviews (the
 * diagnosis panel and the incidents side view). Declared once, used by both
 * sides; pure (no 'vscode', no DOM). Every message from a webview is checked by
 * `validateFromWebview` before the host acts on it.
 */
import type { Category, ProbeId, ProbeStatus, RankedCause, Target } from '../core/types';
import type { WebviewStrings } from './strings';

/** Where an incident was seen, as the webviews show it. */
export interface OriginView {
  kind: 'terminal' | 'debug' | 'file' | 'manual';
  name: string;
  commandLine?: string;
  exitCode?: number;
}

/** An incident as the webviews show it (plain JSON, no host objects). */
export interface IncidentView {
  /** Id in the incident store, or null for an ad-hoc diagnosis. */
  id: string | null;
  category: Category;
  code: string | null;
  text: string;
  host: string | null;
  port: number | null;
  url: string | null;
  ecosystem: string | null;
  count: number;
  firstSeen: number;
  lastSeen: number;
  origin: OriginView | null;
}

/** A probe row moves pending -> running -> ok | fail | skipped. */
export type ProbeRowState = 'pending' | 'running' | ProbeStatus;

/** One row of the live progress list. */
export interface ProbeRowView {
  id: ProbeId;
  state: ProbeRowState;
  /** Duration once finished, in milliseconds. */
  ms: number | null;
  summary: string;
}

/** Where the probes ran and whose network view they represent. */
export interface WhereView {
  /** `vscode.env.remoteName` (wsl, ssh-remote, ...) or null when local. */
  remoteName: string | null;
  /** Host name of the machine the probes ran on. */
  machine: string;
  /** The failing program's view: the environment proxy (HTTPS_PROXY/HTTP_PROXY/ALL_PROXY), masked, or null for direct. */
  programProxy: string | null;
  /** VS Code's own `http.proxy`, masked, or null when unset. */
  vscodeProxy: string | null;
}

/** Lifecycle of one run of the diagnosis panel. */
export type PanelPhase = 'running' | 'done' | 'cancelled' | 'failed' | 'restored';

/** Everything the panel renders; also what the panel keeps with `setState`. */
export interface PanelModel {
  /** Increases on every run; stale progress of an older run is ignored. */
  run: number;
  target: Target;
  incident: IncidentView | null;
  where: WhereView;
  probes: ProbeRowView[];
  phase: PanelPhase;
  verdict: string | null;
  causes: RankedCause[];
  /** Ecosystem whose code fixes are shown first (the incident's). */
  ecosystem: string | null;
  error: string | null;
  startedAt: number;
}

/** The incidents of one target ("host:port"), newest first. */
export interface IncidentGroupView {
  targetKey: string;
  host: string | null;
  port: number | null;
  /** Category of the newest incident. */
  category: Category;
  /** Sum of the incidents' counts. */
  count: number;
  lastSeen: number;
  muted: boolean;
  incidents: IncidentView[];
}

/** Host -> diagnosis panel. */
export type ToPanel =
  /**
   * A run started (or the model after a restore): replaces everything shown.
   * The first one after each `ready` carries the page's translated strings.
   */
  | { type: 'start'; model: PanelModel; strings?: WebviewStrings }
  /** One probe changed state. */
  | { type: 'probe'; run: number; probe: ProbeRowView }
  /** The run finished with a verdict. */
  | { type: 'result'; run: number; verdict: string; causes: RankedCause[] }
  | { type: 'cancelled'; run: number }
  | { type: 'failed'; run: number; message: string }
  /** A short message for the polite live region ("Copied", ...). */
  | { type: 'notice'; text: string };

/** Host -> incidents side view. */
export type ToIncidents =
  /** The whole list; the first one after each `ready` carries the page's translated strings. */
  | { type: 'incidents'; groups: IncidentGroupView[]; total: number; strings?: WebviewStrings }
  | { type: 'notice'; text: string };

/** Host -> any webview. */
export type ToWebview = ToPanel | ToIncidents;

/** Longest text a copy message may carry. */
export const MAX_COPY_CHARS = 100_000;
/** Longest id or target key accepted from a webview. */
export const MAX_ID_CHARS = 512;
/** Highest command position accepted from a webview. */
export const MAX_COMMAND_INDEX = 64;
/** Most ids in one remove message. */
export const MAX_REMOVE_IDS = 10_000;

type Fields = Record<string, unknown>;
/** Checks one message's fields; returns only the declared ones, or null for anything malformed. */
type Check<T extends object> = (msg: Fields) => T | null;

function isRecord(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function boundedString(v: unknown, max: number, allowEmpty = false): v is string {
  return typeof v === 'string' && v.length <= max && (allowEmpty || v.length > 0);
}

const noFields = (): Record<never, never> => ({});

const commandRef: Check<{ causeId: string; index: number }> = (m) =>
  boundedString(m.causeId, MAX_ID_CHARS) && typeof m.index === 'number' && Number.isInteger(m.index) && m.index >= 0 && m.index <= MAX_COMMAND_INDEX
    ? { causeId: m.causeId, index: m.index }
    : null;

/**
 * Diagnosis panel -> host: every message the panel may send, declared once with the check
 * of its fields. The `FromPanel` type and the host's validation are derived from it, so a new
 * message is one entry here plus its two handlers (the exhaustive switches fail until then).
 */
export const FROM_PANEL = {
  ready: noFields,
  rerun: noFields,
  cancel: noFields,
  copyReport: noFields,
  openMarkdown: noFields,
  /** Copies text the user chose (a fix's code). */
  copyText: (m: Fields) => (boundedString(m.text, MAX_COPY_CHARS) ? { text: m.text } : null),
  /** Copies a cause's verification command (by position: the host renders it; no command text crosses). */
  copyCommand: commandRef,
  /** Runs a cause's verification command in a new terminal, on a click only; the host looks it up. */
  runInTerminal: commandRef,
} satisfies Record<string, Check<object>>;

/** Incidents side view -> host, declared like {@link FROM_PANEL}. */
export const FROM_INCIDENTS = {
  ready: noFields,
  diagnose: (m: Fields) => (boundedString(m.id, MAX_ID_CHARS) ? { id: m.id } : null),
  mute: (m: Fields) => (boundedString(m.targetKey, MAX_ID_CHARS) ? { targetKey: m.targetKey } : null),
  remove: (m: Fields) => {
    const ids = m.ids;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_REMOVE_IDS) return null;
    return ids.every((id) => boundedString(id, MAX_ID_CHARS)) ? { ids: ids.slice() as string[] } : null;
  },
  clear: noFields,
} satisfies Record<string, Check<object>>;

type MessageMap = Record<string, Check<object>>;
/** The union of messages a map declares: `{type}` plus the fields its check returns. */
type MessagesOf<M extends MessageMap> = { [K in keyof M & string]: { type: K } & NonNullable<ReturnType<M[K]>> }[keyof M & string];

/** Diagnosis panel -> host. */
export type FromPanel = MessagesOf<typeof FROM_PANEL>;
/** Incidents side view -> host. */
export type FromIncidents = MessagesOf<typeof FROM_INCIDENTS>;
/** Any webview -> host. */
export type FromWebview = FromPanel | FromIncidents;

/** Message types the panel may send. */
export const PANEL_MESSAGE_TYPES = Object.keys(FROM_PANEL) as ReadonlyArray<FromPanel['type']>;
/** Message types the side view may send. */
export const INCIDENTS_MESSAGE_TYPES = Object.keys(FROM_INCIDENTS) as ReadonlyArray<FromIncidents['type']>;

/** Checks a message against one page's map: a fresh object with only the declared fields, or null. */
export function validateMessage<M extends MessageMap>(map: M, msg: unknown): MessagesOf<M> | null {
  if (!isRecord(msg) || typeof msg.type !== 'string' || !Object.prototype.hasOwnProperty.call(map, msg.type)) return null;
  const fields = map[msg.type](msg);
  return fields === null ? null : ({ ...fields, type: msg.type } as MessagesOf<M>);
}

/** Checks a message that arrived from either webview (the panel's map, then the side view's). */
export function validateFromWebview(msg: unknown): FromWebview | null {
  return validateMessage(FROM_PANEL, msg) ?? validateMessage(FROM_INCIDENTS, msg);
}

/** Narrows a validated message to the ones the panel may send. */
export function isFromPanel(msg: FromWebview): msg is FromPanel {
  return Object.prototype.hasOwnProperty.call(FROM_PANEL, msg.type);
}

/** Narrows a validated message to the ones the side view may send. */
export function isFromIncidents(msg: FromWebview): msg is FromIncidents {
  return Object.prototype.hasOwnProperty.call(FROM_INCIDENTS, msg.type);
}

/** The one exhaustiveness check of every switch over messages and states: a compile error when a case is missing. */
export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unhandled ${what} ${JSON.stringify(x)}`);
}

/** The key that groups incidents and mutes notifications: "host:port". */
export function targetKeyOf(host: string | null, port: number | null): string {
  return `${host ?? '?'}:${port ?? '?'}`;
}
