/** The typed handle of the page on the host, from `acquireVsCodeApi()` (callable once per page). */
import type { FromWebview } from '../shared/protocol';

/** What VS Code injects into a webview page. */
export interface VsCodeApi<S> {
  postMessage(msg: FromWebview): void;
  getState(): S | undefined;
  setState(state: S): S;
}

declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

/** Acquires the API once. */
export function vscodeApi<S>(): VsCodeApi<S> {
  return acquireVsCodeApi<S>();
}

/** Calls `handle` with every message from the host that has a string `type` (others are ignored). */
export function onHostMessage<T extends { type: string }>(handle: (msg: T) => void): void {
  window.addEventListener('message', (ev: MessageEvent<unknown>) => {
    const data = ev.data;
    if (typeof data !== 'object' || data === null || typeof (data as { type?: unknown }).type !== 'string') return;
    handle(data as T);
  });
}
