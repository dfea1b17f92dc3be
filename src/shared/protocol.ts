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

/** Diagnosis panel -> host. */
export type FromPanel =
  | { type: 'ready' }
  | { type: 'rerun' }
  | { type: 'cancel' }
  | { type: 'copyReport' }
  | { type: 'openMarkdown' }
  /** Copies text the user chose (a fix's code). */
  | { type: 'copyText'; text: string }
  /** Copies a cause's verification command (by position: the host renders it; no command text crosses). */
  | { type: 'copyCommand'; causeId: string; index: number }
  /** Runs a cause's verification command in a new terminal, on a click only; the host looks it up. */
  | { type: 'runInTerminal'; causeId: string; index: number };

/** Incidents side view -> host. */
export type FromIncidents =
  | { type: 'ready' }
  | { type: 'diagnose'; id: string }
  | { type: 'mute'; targetKey: string }
  | { type: 'remove'; ids: string[] }
  | { type: 'clear' };

/** Any webview -> host. */
export type FromWebview = FromPanel | FromIncidents;

/** Longest text a copy message may carry. */
export const MAX_COPY_CHARS = 100_000;
/** Longest id or target key accepted from a webview. */
export const MAX_ID_CHARS = 512;
/** Highest command position accepted from a webview. */
export const MAX_COMMAND_INDEX = 64;
/** Most ids in one remove message. */
export const MAX_REMOVE_IDS = 10_000;

/** Message types the panel may send. */
export const PANEL_MESSAGE_TYPES = ['ready', 'rerun', 'cancel', 'copyReport', 'openMarkdown', 'copyText', 'copyCommand', 'runInTerminal'] as const;
/** Message types the side view may send. */
export const INCIDENTS_MESSAGE_TYPES = ['ready', 'diagnose', 'mute', 'remove', 'clear'] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function boundedString(v: unknown, max: number, allowEmpty = false): v is string {
  return typeof v === 'string' && v.length <= max && (allowEmpty || v.length > 0);
}

/**
 * Checks a message that arrived from a webview. Returns a fresh object holding
 * only the declared fields, or null for anything malformed.
 */
export function validateFromWebview(msg: unknown): FromWebview | null {
  if (!isRecord(msg) || typeof msg.type !== 'string') return null;
  const type = msg.type;
  switch (type) {
    case 'ready':
    case 'rerun':
    case 'cancel':
    case 'copyReport':
    case 'openMarkdown':
    case 'clear':
      return { type };
    case 'copyText':
      return boundedString(msg.text, MAX_COPY_CHARS) ? { type, text: msg.text } : null;
    case 'copyCommand':
    case 'runInTerminal':
      return boundedString(msg.causeId, MAX_ID_CHARS) && Number.isInteger(msg.index) && (msg.index as number) >= 0 && (msg.index as number) <= MAX_COMMAND_INDEX
        ? { type, causeId: msg.causeId, index: msg.index as number }
        : null;
    case 'diagnose':
      return boundedString(msg.id, MAX_ID_CHARS) ? { type, id: msg.id } : null;
    case 'mute':
      return boundedString(msg.targetKey, MAX_ID_CHARS) ? { type, targetKey: msg.targetKey } : null;
    case 'remove': {
      const ids = msg.ids;
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_REMOVE_IDS) return null;
      const out: string[] = [];
      for (const id of ids) {
        if (!boundedString(id, MAX_ID_CHARS)) return null;
        out.push(id);
      }
      return { type, ids: out };
    }
    default:
      return null;
  }
}

/** Narrows a validated message to the ones the panel may send. */
export function isFromPanel(msg: FromWebview): msg is FromPanel {
  return (PANEL_MESSAGE_TYPES as readonly string[]).includes(msg.type);
}

/** Narrows a validated message to the ones the side view may send. */
export function isFromIncidents(msg: FromWebview): msg is FromIncidents {
  return (INCIDENTS_MESSAGE_TYPES as readonly string[]).includes(msg.type);
}

/** The key that groups incidents and mutes notifications: "host:port". */
export function targetKeyOf(host: string | null, port: number | null): string {
  return `${host ?? '?'}:${port ?? '?'}`;
}
