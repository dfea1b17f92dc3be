/**
 * The diagnosis panel: one webview panel that shows an incident, streams the
 * probes' progress, then the verdict, ranked causes, fixes and verification
 * commands. It restores after a window reload through a WebviewPanelSerializer.
 */
import { hostname } from 'node:os';
import * as vscode from 'vscode';
import type { Diagnosis, Target } from '../../core/types';
import { hostPort, targetShown } from '../../core/target/address';
import type { FromPanel, PanelModel, ToPanel } from '../../shared/protocol';
import { assertNever } from '../../shared/protocol';
import type { DiagnoseRequest, Services } from '../services';
import { WebviewController } from './controller';
import { loadEngine } from '../model/engineLoader';
import { applyToPanel } from '../../shared/panelModel';
import { initialModel, probeRow, restoredModel, terminalCommand, terminalShell, whereView } from '../model/views';
import { Views } from '../model/commandIds';
import { isIgnoredHost } from '../model/configModel';

/** View type of the panel (also the serializer's id; `onWebviewPanel:` activation uses it). */
export const DIAGNOSIS_VIEW_TYPE = Views.diagnosisPanel;

let current: DiagnosisPanel | undefined;

/** Opens (or reveals) the diagnosis panel and runs the diagnosis with live progress. */
export function showDiagnosisPanel(services: Services, request: DiagnoseRequest): void {
  if (current) {
    current.reveal();
    current.start(request);
    return;
  }
  const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
  const panel = vscode.window.createWebviewPanel(DIAGNOSIS_VIEW_TYPE, panelTitle(request.target), { viewColumn: column, preserveFocus: false }, {
    enableFindWidget: true,
  });
  current = new DiagnosisPanel(services, panel, null);
  current.start(request);
}

/** Restores the panel after a window reload, showing the last result until the user re-runs it. */
export function deserializeDiagnosisPanel(services: Services, panel: vscode.WebviewPanel, state: unknown): void {
  current?.dispose();
  const model = restoredModel(state);
  if (model === null) {
    // Nothing usable to show: a panel without a target has no purpose.
    panel.dispose();
    return;
  }
  current = new DiagnosisPanel(services, panel, model);
}

function panelTitle(target: Target): string {
  return vscode.l10n.t('Diagnosis: {0}', targetShown(target));
}

/** One open panel: its model is the truth, the page renders it and is sent it again on every `ready`. */
class DiagnosisPanel implements vscode.Disposable {
  private readonly controller: WebviewController<'panel'>;
  private readonly disposables: vscode.Disposable[] = [];
  private model: PanelModel | null;
  private request: DiagnoseRequest | null = null;
  /** The engine's result of the current run; null while running, after a restore or a failure. */
  private diagnosis: Diagnosis | null = null;
  private abort: AbortController | null = null;
  private runs = 0;

  constructor(
    private readonly services: Services,
    private readonly panel: vscode.WebviewPanel,
    restored: PanelModel | null,
  ) {
    this.model = restored;
    if (restored) {
      this.runs = restored.run;
      this.request = { target: restored.target, incident: restored.incident?.id ? (services.incidents.get(restored.incident.id) ?? null) : null };
    }
    this.controller = new WebviewController('panel', panel.webview, services.context.extensionUri, (msg) => this.onMessage(msg), services.log);
    this.disposables.push(
      this.controller,
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.controller.markHidden();
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** Starts a new run, cancelling one in progress. */
  start(request: DiagnoseRequest): void {
    this.abort?.abort();
    const ac = new AbortController();
    this.abort = ac;
    this.request = request;
    this.diagnosis = null;
    const run = ++this.runs;
    const { target, incident } = request;
    const vscodeProxy = vscode.workspace.getConfiguration('http').get<string>('proxy') || null;
    const model = initialModel(run, target, incident, whereView(target, vscode.env.remoteName ?? null, hostname(), process.env, vscodeProxy), Date.now());
    this.model = model;
    this.panel.title = panelTitle(target);
    this.post({ type: 'start', model });
    const config = this.services.config.current;
    const live = (): boolean => this.model === model && !ac.signal.aborted;
    void (async () => {
      try {
        const { runDiagnosis } = await loadEngine();
        const diagnosis = await runDiagnosis(target, incident, {
          timeoutMs: config.probeTimeoutMs,
          attempts: config.repeatAttempts,
          signal: ac.signal,
          env: process.env,
          vscodeProxy,
          commandLine: incident?.origin.commandLine ?? null,
          onProbe: (result, phase) => {
            if (!live()) return;
            this.send(model, { type: 'probe', run, probe: probeRow(result, phase) });
          },
        });
        if (!live()) return;
        // Every probe's final row is in the model even if its progress event came too late.
        for (const result of diagnosis.probes) applyToPanel(model, { type: 'probe', run, probe: probeRow(result, 'done') });
        this.diagnosis = diagnosis;
        this.send(model, { type: 'result', run, verdict: diagnosis.verdict, causes: diagnosis.causes });
      } catch (e) {
        if (!live()) return;
        const message = e instanceof Error ? e.message : String(e);
        this.services.log.error(`diagnosis of ${hostPort(target.host, target.port)} failed: ${message}`);
        this.send(model, { type: 'failed', run, message });
      } finally {
        if (this.abort === ac) this.abort = null;
      }
    })();
  }

  private cancel(): void {
    const model = this.model;
    if (!this.abort || !model || model.phase !== 'running') return;
    this.abort.abort();
    this.abort = null;
    this.send(model, { type: 'cancelled', run: model.run });
  }

  private post(msg: ToPanel): void {
    this.controller.post(msg);
  }

  /** Changes the host's model exactly as the page will change its own, then tells the page. */
  private send(model: PanelModel, msg: ToPanel): void {
    applyToPanel(model, msg);
    this.post(msg);
  }

  private notice(text: string): void {
    this.post({ type: 'notice', text });
  }

  private async onMessage(msg: FromPanel): Promise<void> {
    switch (msg.type) {
      case 'ready':
        if (this.model) this.post({ type: 'start', model: this.model });
        return;
      case 'rerun': {
        const request = this.request;
        if (!request) return;
        // A restored panel's target comes from the page's saved state, and the setting may have changed since the run.
        if (isIgnoredHost(request.target.host, this.services.config.current.ignoredHosts)) {
          this.notice(vscode.l10n.t('{0} is in "connectionDoctor.ignoredHosts", so it is never probed.', request.target.host));
          return;
        }
        this.start(request);
        return;
      }
      case 'cancel':
        this.cancel();
        return;
      case 'copyReport': {
        const report = await this.report();
        if (report === null) return;
        await vscode.env.clipboard.writeText(report);
        this.notice(vscode.l10n.t('Report copied to the clipboard.'));
        return;
      }
      case 'openMarkdown': {
        const report = await this.report();
        if (report === null) return;
        const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: report });
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
        return;
      }
      case 'copyText':
        await vscode.env.clipboard.writeText(msg.text);
        this.notice(vscode.l10n.t('Copied to the clipboard.'));
        return;
      case 'copyCommand':
      case 'runInTerminal': {
        const diagnosis = this.diagnosis;
        if (!diagnosis) {
          this.notice(vscode.l10n.t('Re-run the diagnosis before running its commands.'));
          return;
        }
        // A copy gets the command as shown (its own shell's quoting); a run gets the terminal's.
        const shell = terminalShell(vscode.env.shell, process.platform);
        const command = terminalCommand(diagnosis.causes, msg.causeId, msg.index, msg.type === 'copyCommand' ? null : shell.dialect);
        if (command === null) {
          this.services.log.warn('refused a verification command that is not in the diagnosis');
          this.notice(vscode.l10n.t('That command is not one of this diagnosis\' verification commands.'));
          return;
        }
        if ('withheld' in command) {
          this.notice(vscode.l10n.t('That command is withheld: {0}.', command.withheld));
          return;
        }
        if (msg.type === 'copyCommand') {
          await vscode.env.clipboard.writeText(command.text);
          this.notice(vscode.l10n.t('Copied to the clipboard.'));
          return;
        }
        const terminal = vscode.window.createTerminal({ name: vscode.l10n.t('Connection Doctor: verify'), shellPath: shell.shellPath });
        terminal.show(false);
        terminal.sendText(command.text, true);
        return;
      }
      default:
        assertNever(msg, 'message');
    }
  }

  /** The Markdown report of the current result, or null (with a notice) when there is none. */
  private async report(): Promise<string | null> {
    const diagnosis = this.diagnosis;
    if (!diagnosis) {
      this.notice(vscode.l10n.t('The report is available once the diagnosis has finished.'));
      return null;
    }
    const { renderReport, snapshotEnvironment } = await loadEngine();
    const vscodeProxy = vscode.workspace.getConfiguration('http').get<string>('proxy') || undefined;
    return renderReport(diagnosis, snapshotEnvironment({ env: process.env, vscodeProxy, vscodeVersion: vscode.version }));
  }

  dispose(): void {
    this.abort?.abort();
    this.abort = null;
    if (current === this) current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
