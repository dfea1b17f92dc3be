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
