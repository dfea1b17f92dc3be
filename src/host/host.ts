/**
 * Builds the services object and every feature of the VS Code layer. Heavy
 * modules (the diagnosis engine, the webviews) are imported on first use.
 */
import * as vscode from 'vscode';
import { hostPort } from '../core/target/address';
import { AgentFeatures } from './agents/agentFeatures';
import { CommandHandlers } from './commands';
import { VscodeConfigStore } from './config';
import { DebugWatcher } from './debugWatcher';
import { Owner } from './disposables';
import { FAILURE_SELECTOR, FailureCodeActionProvider, FailureHoverProvider, LogDiagnostics } from './editorFeatures';
import { WorkspaceIncidentStore } from './incidentStore';
import { IncidentReporter } from './reporter';
import type { DiagnoseRequest, Services } from './services';
import { IncidentStatusBar } from './statusBar';
import { ShellIntegrationHint } from './terminalHint';
import { FailureLinkProvider } from './terminalLinks';
import { TerminalWatcher } from './terminalWatcher';

/**
 * What `activate()` returns. INTERNAL: for the integration tests only, not a
 * public API; it may change in any release.
 */
export interface InternalTestApi {
  readonly services: Services;
  readonly incidents: WorkspaceIncidentStore;
  readonly reporter: IncidentReporter;
  readonly terminalHint: ShellIntegrationHint;
  readonly terminals: TerminalWatcher;
  readonly statusBar: IncidentStatusBar;
  readonly agents: AgentFeatures;
}

/** The running host layer: owns every registration. */
export class Host extends Owner {
  readonly services: Services;
  readonly api: InternalTestApi;

  constructor(context: vscode.ExtensionContext) {
    super();
    const log = this.register(vscode.window.createOutputChannel(vscode.l10n.t('Connection Doctor'), { log: true }));
    const config = this.register(new VscodeConfigStore());
    const incidents = this.register(new WorkspaceIncidentStore(context.workspaceState, config));
    const services: Services = {
      context,
      config,
      incidents,
      log,
      diagnose: (request: DiagnoseRequest) => {
        log.info(`diagnose ${hostPort(request.target.host, request.target.port)}`);
        import('./webview/diagnosisPanel').then(
          (m) => m.showDiagnosisPanel(services, request),
          (err: unknown) => log.error(`cannot open the diagnosis panel: ${String(err)}`),
        );
      },
    };
    this.services = services;
    const reporter = this.register(new IncidentReporter(services));
    this.register(new CommandHandlers(services));
    const terminals = this.register(new TerminalWatcher(services, reporter));
    const terminalHint = this.register(new ShellIntegrationHint(services));
    this.register(new DebugWatcher(services, reporter));
    const statusBar = this.register(new IncidentStatusBar(incidents));
    this.register(new LogDiagnostics(services));
    this.register(vscode.window.registerTerminalLinkProvider(new FailureLinkProvider(services)));
    this.register(vscode.languages.registerHoverProvider(FAILURE_SELECTOR, new FailureHoverProvider(services)));
    this.register(
      vscode.languages.registerCodeActionsProvider(FAILURE_SELECTOR, new FailureCodeActionProvider(), {
        providedCodeActionKinds: FailureCodeActionProvider.kinds,
      }),
    );
    const agents = this.register(new AgentFeatures(services));
    this.api = { services, incidents, reporter, terminalHint, terminals, statusBar, agents };
  }
}
