/**
 * Activation: build the host layer (services, watchers, commands, editor
 * features) and register the two webviews. Kept small and cheap: the diagnosis
 * engine and the webview controllers load on first use.
 */
import * as vscode from 'vscode';
import { Views } from './host/model/commandIds';
import { Host } from './host/host';
import type { InternalTestApi } from './host/host';

/** Set by esbuild's banner and footer around the bundle, so its evaluation time is measured too. */
declare const __cdLoadStart: number | undefined;
declare const __cdLoadEnd: number | undefined;

/** How long loading the bundle and running activate() took, for `npm run bench`. */
export interface ActivationTiming {
  loadMs: number | null;
  activateMs: number;
}

/** Returns an INTERNAL test API (see {@link InternalTestApi}); not a public contract. */
export async function activate(context: vscode.ExtensionContext): Promise<InternalTestApi & { activation: ActivationTiming }> {
  const started = performance.now();
  const loadMs = typeof __cdLoadStart === 'number' && typeof __cdLoadEnd === 'number' ? __cdLoadEnd - __cdLoadStart : null;
  const host = new Host(context);
  context.subscriptions.push(host);
  const { services } = host;
  // The side view's controller is imported only when the view is first shown.
  let incidentsView: Promise<vscode.WebviewViewProvider> | undefined;
  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(Views.incidents, {
      resolveWebviewView: async (view, resolveContext, token) => {
        incidentsView ??= import('./host/webview/incidentsView').then((m) => new m.IncidentsViewProvider(services));
        return (await incidentsView).resolveWebviewView(view, resolveContext, token);
      },
    }),
  );
  // A restored panel needs its serializer registered now (onWebviewPanel:); its code loads when a panel is restored.
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(Views.diagnosisPanel, {
      deserializeWebviewPanel: async (panel, state) => (await import('./host/webview/diagnosisPanel')).deserializeDiagnosisPanel(services, panel, state),
    }),
  );
  return { ...host.api, activation: { loadMs, activateMs: performance.now() - started } };
}

/** Everything is owned by the context's subscriptions. */
export function deactivate(): void {}
