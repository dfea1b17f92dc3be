/**
 * One controller for every webview (the diagnosis panel and the incidents side
 * view): it sets the options and the HTML, validates each message from the page,
 * holds back state until the page says `ready`, and owns its listeners.
 */
import * as vscode from 'vscode';
import type { FromIncidents, FromPanel, ToIncidents, ToPanel, ToWebview } from '../../shared/protocol';
import { FROM_INCIDENTS, FROM_PANEL, validateMessage } from '../../shared/protocol';
import { translateStrings } from '../../shared/strings';
import type { WebviewStrings } from '../../shared/strings';
import { buildWebviewHtml, createNonce } from '../model/html';
import { recordTrace } from '../model/trace';

/** The two pages, with what each may send and receive. */
export interface WebviewKinds {
  panel: { to: ToPanel; from: FromPanel };
  incidents: { to: ToIncidents; from: FromIncidents };
}
export type WebviewKind = keyof WebviewKinds;

const PAGES: Readonly<Record<WebviewKind, { script: string; style: string; title: () => string }>> = {
  panel: { script: 'panel.js', style: 'panel.css', title: () => vscode.l10n.t('Connection Doctor: Diagnosis') },
  incidents: { script: 'incidents.js', style: 'incidents.css', title: () => vscode.l10n.t('Connection Doctor: Incidents') },
};

/** What each page may send: the declared map its messages are checked against. */
const MESSAGES = { panel: FROM_PANEL, incidents: FROM_INCIDENTS } as const;

let strings: WebviewStrings | undefined;

/** The pages' strings in VS Code's display language, translated once per extension host. */
export function webviewStrings(): WebviewStrings {
  return (strings ??= translateStrings((english) => vscode.l10n.t(english)));
}

/** The folders a page may load from: its bundle, the codicons and the styles. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
      vscode.Uri.joinPath(extensionUri, 'dist', 'codicons'),
      vscode.Uri.joinPath(extensionUri, 'media'),
    ],
  };
}

/** Handles the validated messages of one page; `ready` means "send me the state now". */
export type MessageHandler<K extends WebviewKind> = (msg: WebviewKinds[K]['from']) => void | Promise<void>;

/** Binds one webview (panel or view) to its handler. */
export class WebviewController<K extends WebviewKind> implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  /** Whether the page has had the strings table since its last `ready`. */
  private hasStrings = false;

  constructor(
    private readonly kind: K,
    private readonly webview: vscode.Webview,
    extensionUri: vscode.Uri,
    private readonly handler: MessageHandler<K>,
    private readonly log: vscode.LogOutputChannel,
  ) {
    webview.options = webviewOptions(extensionUri);
    const page = PAGES[kind];
    const asUri = (...segments: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString();
    this.disposables.push(webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
    webview.html = buildWebviewHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      title: page.title(),
      lang: vscode.env.language,
      scriptUri: asUri('dist', 'webview', page.script),
      styleUris: [asUri('dist', 'codicons', 'codicon.css'), asUri('media', 'common.css'), asUri('media', page.style)],
    });
  }

  /** Whether the page has said `ready` since it was last (re)loaded. */
  get isReady(): boolean {
    return this.ready;
  }

  /**
   * The page was hidden: VS Code drops its content (we do not retain it), so the
   * next `ready` comes from a fresh page that needs the state again.
   */
  markHidden(): void {
    this.ready = false;
    this.hasStrings = false;
  }

  /**
   * Sends a message if the page is ready; otherwise drops it (the host's model is sent on `ready`).
   * The first state message after `ready` carries the translated strings.
   */
  post(message: WebviewKinds[K]['to']): void {
    if (!this.ready) return;
    let msg = message;
    if (!this.hasStrings && (msg.type === 'start' || msg.type === 'incidents')) {
      msg = { ...msg, strings: webviewStrings() };
      this.hasStrings = true;
    }
    recordTrace(this.kind, 'out', msg as ToWebview);
    this.webview.postMessage(msg).then(
      (delivered) => {
        if (!delivered) this.log.debug(`webview ${this.kind}: ${msg.type} not delivered`);
      },
      (e: unknown) => this.log.warn(`webview ${this.kind}: post failed: ${String(e)}`),
    );
  }

  private receive(raw: unknown): void {
    const msg = validateMessage(MESSAGES[this.kind], raw) as WebviewKinds[K]['from'] | null;
    if (msg === null) {
      this.log.warn(`webview ${this.kind}: ignored a malformed message`);
      return;
    }
    recordTrace(this.kind, 'in', msg);
    if (msg.type === 'ready') {
      // A (re)loaded page: it needs the state, and the strings with it, again.
      this.ready = true;
      this.hasStrings = false;
    }
    Promise.resolve(this.handler(msg)).catch((e: unknown) => this.log.error(`webview ${this.kind}: ${msg.type} failed: ${String(e)}`));
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
