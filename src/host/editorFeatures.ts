/**
 * Editor features over failure lines: the hover (category, meaning, likely
 * causes offline, command links), the quick fix, and optional diagnostics for
 * open log files. Hover and quick fix read only the line under the cursor and
 * its neighbours, so they stay instant on huge logs.
 */
import * as vscode from 'vscode';
import { explainCategory } from '../core/knowledge/categories';
import { Commands } from './model/commandIds';
import type { IncidentCommandArgs } from './model/commandIds';
import { StreamDetector } from '../core/detect/stream';
import { detectNear, loadOfflineCauses } from './model/detection';
import type { LineHit } from './model/detection';
import { Owner } from './disposables';
import { HOVER_COMMANDS, hoverMarkdown, hoverModelOf } from './model/hoverModel';
import type { Services } from './services';
import { StreamFeed } from './model/streamFeed';
import { failurePhrase, targetLabel } from './model/wording';

/** Documents the hover and the quick fix apply to (output channels included). */
export const FAILURE_SELECTOR: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'output' }];

function sourceName(doc: vscode.TextDocument): string {
  const path = doc.uri.path;
  return path.slice(path.lastIndexOf('/') + 1) || doc.uri.toString();
}

/** The failure at a document line, reading only that line and its neighbours. */
export function failureAt(doc: vscode.TextDocument, line: number): LineHit | null {
  if (line < 0 || line >= doc.lineCount) return null;
  return detectNear((i) => doc.lineAt(i).text, doc.lineCount, line);
}

/** Hover on failure lines. */
export class FailureHoverProvider implements vscode.HoverProvider {
  constructor(private readonly services: Services) {}

  async provideHover(doc: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if (!this.services.config.current.hover) return undefined;
    const hit = failureAt(doc, position.line);
    if (!hit) return undefined;
    const likelyCausesOffline = await loadOfflineCauses();
    if (token.isCancellationRequested) return undefined;
    let causes: ReturnType<typeof likelyCausesOffline> = [];
    try {
      causes = likelyCausesOffline(hit.incident);
    } catch (err) {
      this.services.log.warn(`offline causes failed: ${String(err)}`);
    }
    const model = hoverModelOf(hit.incident, explainCategory(hit.incident.category), causes, sourceName(doc), vscode.l10n.t);
    const md = new vscode.MarkdownString(hoverMarkdown(model, vscode.l10n.t), true);
    md.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
    md.supportHtml = false;
    const range = new vscode.Range(hit.startLine, 0, hit.endLine, doc.lineAt(hit.endLine).text.length);
    return new vscode.Hover(md, range);
  }
}

/** The quick fix: diagnose (and explain) the failure on the current line. */
export class FailureCodeActionProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const hit = failureAt(doc, range.start.line);
    if (!hit) return [];
    const args: IncidentCommandArgs = { text: hit.incident.text, source: sourceName(doc), sourceKind: 'file' };
    const phrase = failurePhrase(hit.incident.category, targetLabel(hit.incident.host, hit.incident.port), vscode.l10n.t);
    const diagnose = new vscode.CodeAction(vscode.l10n.t('Diagnose connection: {0}', phrase), vscode.CodeActionKind.QuickFix);
    diagnose.command = { command: Commands.diagnose, title: diagnose.title, arguments: [args] };
    diagnose.isPreferred = true;
    diagnose.diagnostics = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    const explain = new vscode.CodeAction(vscode.l10n.t('Explain this connection failure'), vscode.CodeActionKind.QuickFix);
    explain.command = { command: Commands.explain, title: explain.title, arguments: [args] };
    return [diagnose, explain];
  }
}

/** `source` of the published diagnostics. */
export const DIAGNOSTIC_SOURCE = 'Connection Doctor';
/** Most diagnostics published per log file. */
const MAX_DIAGNOSTICS = 500;
/** Log files larger than this are not scanned for diagnostics (hover still works). */
const MAX_SCAN_CHARS = 32 * 1024 * 1024;

/** Whether a document is a log file whose failures may become diagnostics. */
export function isLogDocument(doc: vscode.TextDocument): boolean {
  return (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled') && (doc.languageId === 'log' || /\.log$/i.test(doc.uri.path));
}

/** Publishes failure lines of open log files as information diagnostics, when the setting is on. */
export class LogDiagnostics extends Owner {
  private readonly collection = this.register(vscode.languages.createDiagnosticCollection('connectionDoctor'));
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly versions = new Map<string, number>();

  constructor(private readonly services: Services) {
    super();
    this.register(vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d)));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)));
    this.register(vscode.workspace.onDidCloseTextDocument((d) => this.drop(d.uri)));
    // Only the on/off setting changes what is published; other settings need no rescan.
    let enabled = services.config.current.diagnosticsInLogs;
    this.register(
      services.config.onDidChange((config) => {
        if (config.diagnosticsInLogs === enabled) return;
        enabled = config.diagnosticsInLogs;
        this.rescanAll();
      }),
    );
    this.register({ dispose: () => this.pending.forEach((t) => clearTimeout(t)) });
    this.rescanAll();
  }

  private rescanAll(): void {
    if (!this.services.config.current.diagnosticsInLogs) {
      this.collection.clear();
      return;
    }
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc);
  }

  private drop(uri: vscode.Uri): void {
    const key = uri.toString();
    const timer = this.pending.get(key);
    if (timer) clearTimeout(timer);
    this.pending.delete(key);
    this.versions.delete(key);
    this.collection.delete(uri);
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!this.services.config.current.diagnosticsInLogs || !isLogDocument(doc)) return;
    const key = doc.uri.toString();
    const prev = this.pending.get(key);
    if (prev) clearTimeout(prev);
    this.pending.set(key, setTimeout(() => {
      this.pending.delete(key);
      void this.scan(doc);
    }, 300));
  }

  /** Scans in slices (yielding between them) and publishes once, if the document did not change meanwhile. */
  private async scan(doc: vscode.TextDocument): Promise<void> {
    if (doc.isClosed) return;
    const key = doc.uri.toString();
    const version = doc.version;
    this.versions.set(key, version);
    const text = doc.getText();
    if (text.length > MAX_SCAN_CHARS) {
      this.services.log.info(`${sourceName(doc)} is too large for log diagnostics; hover still works`);
      return;
    }
    const found: vscode.Diagnostic[] = [];
    const keys = new Set<string>();
    const feed = new StreamFeed(new StreamDetector(), (incident) => {
      // Repeats come back with a higher count: one diagnostic per failure, at its first line.
      if (found.length >= MAX_DIAGNOSTICS || keys.has(incident.key)) return;
      keys.add(incident.key);
      const start = Math.min(Math.max(0, incident.line - 1), doc.lineCount - 1);
      const end = Math.min(Math.max(start, incident.endLine - 1), doc.lineCount - 1);
      const message = failurePhrase(incident.category, targetLabel(incident.host, incident.port), vscode.l10n.t);
      const d = new vscode.Diagnostic(new vscode.Range(start, 0, end, doc.lineAt(end).text.length), message, vscode.DiagnosticSeverity.Information);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = incident.code ?? incident.category;
      found.push(d);
    }, Number.MAX_SAFE_INTEGER);
    feed.push(text);
    await feed.end();
    if (doc.isClosed || this.versions.get(key) !== version || !this.services.config.current.diagnosticsInLogs) return;
    this.collection.set(doc.uri, found);
  }
}
