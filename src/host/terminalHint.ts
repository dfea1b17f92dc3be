/**
 * Terminals without shell integration cannot be watched. Each gets one quiet,
 * dismissible hint after a grace period (integration activates a moment after
 * the shell starts), unless the user chose "Don't show again".
 */
import * as vscode from 'vscode';
import { Commands } from './model/commandIds';
import { Owner } from './disposables';
import type { Services } from './services';

/** globalState key of "Don't show again". */
export const HINT_DISMISSED_KEY = 'connectionDoctor.shellIntegrationHint.dismissed';
/** How long a terminal may take to report shell integration before the hint. */
export const HINT_GRACE_MS = 10_000;
/** Least time between two hints, whichever terminals they are for. */
const HINT_SPACING_MS = 30_000;

/** Shows the shell-integration hint once per terminal that never reports integration. */
export class ShellIntegrationHint extends Owner {
  private readonly timers = new Map<vscode.Terminal, ReturnType<typeof setTimeout>>();
  private readonly hinted = new WeakSet<vscode.Terminal>();
  private lastShownAt = 0;
  /** Grace period; tests shorten it through the internal API. */
  graceMs = HINT_GRACE_MS;

  constructor(private readonly services: Services) {
    super();
    for (const t of vscode.window.terminals) this.watch(t);
    this.register(vscode.window.onDidOpenTerminal((t) => this.watch(t)));
    this.register(vscode.window.onDidCloseTerminal((t) => this.forget(t)));
    this.register(vscode.window.onDidChangeTerminalShellIntegration((e) => this.forget(e.terminal)));
    this.register({ dispose: () => this.timers.forEach((timer) => clearTimeout(timer)) });
  }

  /** Whether a terminal got the hint (internal, for tests). */
  wasHinted(terminal: vscode.Terminal): boolean {
    return this.hinted.has(terminal);
  }

  private watch(terminal: vscode.Terminal): void {
    // Extension terminals (pseudoterminals) never have shell integration: nothing to hint.
    if ('pty' in terminal.creationOptions) return;
    if (terminal.shellIntegration || this.timers.has(terminal)) return;
    this.timers.set(terminal, setTimeout(() => this.check(terminal), this.graceMs));
  }

  private forget(terminal: vscode.Terminal): void {
    const timer = this.timers.get(terminal);
    if (timer) clearTimeout(timer);
    this.timers.delete(terminal);
  }

  private check(terminal: vscode.Terminal): void {
    this.timers.delete(terminal);
    if (this.isDisposed || terminal.shellIntegration || terminal.exitStatus || this.hinted.has(terminal)) return;
    if (!this.services.config.current.watchTerminals) return;
    if (this.services.context.globalState.get<boolean>(HINT_DISMISSED_KEY)) return;
    this.hinted.add(terminal);
    this.services.log.info(`terminal '${terminal.name}' has no shell integration; its output is not watched`);
    // Several terminals opening together (tasks, a restored layout) must not stack hints.
    const now = Date.now();
    if (now - this.lastShownAt < HINT_SPACING_MS) return;
    this.lastShownAt = now;
    const how = vscode.l10n.t('How to enable');
    const never = vscode.l10n.t("Don't show again");
    const message = vscode.l10n.t(
      "Connection Doctor cannot watch terminal '{0}': shell integration is not active there. Failure lines still become links you can click.",
      terminal.name,
    );
    void vscode.window.showInformationMessage(message, how, never).then(async (choice) => {
      if (choice === never) await this.services.context.globalState.update(HINT_DISMISSED_KEY, true);
      else if (choice === how) await vscode.commands.executeCommand(Commands.shellIntegrationHelp);
    });
  }
}

/** Opens VS Code's documentation on shell integration (only when the user asks). */
export async function openShellIntegrationHelp(): Promise<void> {
  const open = vscode.l10n.t('Open documentation');
  const settings = vscode.l10n.t('Open setting');
  const choice = await vscode.window.showInformationMessage(
    vscode.l10n.t('Shell integration works in bash, zsh, fish, pwsh and Git Bash when "terminal.integrated.shellIntegration.enabled" is on. For other shells, or to install it manually, see the documentation.'),
    open,
    settings,
  );
  if (choice === open) await vscode.env.openExternal(vscode.Uri.parse('https://code.visualstudio.com/docs/terminal/shell-integration'));
  else if (choice === settings) await vscode.commands.executeCommand('workbench.action.openSettings', 'terminal.integrated.shellIntegration.enabled');
}
