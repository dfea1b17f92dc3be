/**
 * A small, bounded record of the protocol messages each webview exchanged, in
 * order. Integration tests run in another bundle of the same extension host, so
 * the record lives on a global symbol rather than in a module variable. It holds
 * message types and run numbers only, never message content.
 */
import type { FromWebview, ToWebview } from '../../shared/protocol';

/** One recorded message. */
export interface TraceEntry {
  webview: 'panel' | 'incidents';
  dir: 'in' | 'out';
  type: string;
  /** Run number of panel progress messages. */
  run?: number;
  /** For a panel `result`: the id of the top cause. */
  topCause?: string;
  /** For a panel `probe`: which probe and its new state; for `start`: the run's phase. */
  probe?: string;
  state?: string;
  /** For a state message that carried the translated strings: how many. */
  strings?: number;
}

/** The global key the integration tests read (`globalThis[Symbol.for(...)]`). */
export const TRACE_KEY = Symbol.for('connectionDoctor.webviewTrace');
const MAX_ENTRIES = 500;

/** The shared trace array, created on first use. */
export function webviewTrace(): TraceEntry[] {
  const g = globalThis as { [TRACE_KEY]?: TraceEntry[] };
  return (g[TRACE_KEY] ??= []);
}

/** Appends one message to the trace, dropping the oldest beyond the bound. */
export function recordTrace(webview: TraceEntry['webview'], dir: TraceEntry['dir'], msg: ToWebview | FromWebview): void {
  const entry: TraceEntry = { webview, dir, type: msg.type };
  if ('run' in msg) entry.run = msg.run;
  if (msg.type === 'start') {
    entry.run = msg.model.run;
    entry.state = msg.model.phase;
  }
  if ((msg.type === 'start' || msg.type === 'incidents') && msg.strings) entry.strings = Object.keys(msg.strings).length;
  if (msg.type === 'result' && msg.causes.length > 0) entry.topCause = msg.causes[0].id;
  if (msg.type === 'probe') {
    entry.probe = msg.probe.id;
    entry.state = msg.probe.state;
  }
  const trace = webviewTrace();
  trace.push(entry);
  if (trace.length > MAX_ENTRIES) trace.splice(0, trace.length - MAX_ENTRIES);
}
