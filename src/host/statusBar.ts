/** The status-bar item: how many incidents this window saw; a click opens the side view. */
import * as vscode from 'vscode';
import { Commands } from './model/commandIds';
import { Owner } from './disposables';
import type { WorkspaceIncidentStore } from './incidentStore';

/** Shows the window's incident count, hidden while it is zero. */
export class IncidentStatusBar extends Owner {
  private readonly item = this.register(vscode.window.createStatusBarItem('connectionDoctor.status', vscode.StatusBarAlignment.Left, 10));

  constructor(private readonly store: WorkspaceIncidentStore) {
    super();
    this.item.name = vscode.l10n.t('Connection Doctor');
    this.item.command = Commands.showIncidents;
    this.register(store.onDidChange(() => this.update()));
    this.update();
  }

  /** The text shown (internal, for tests). */
  get text(): string {
    return this.item.text;
  }

  private update(): void {
    const n = this.store.windowCount;
    if (n === 0) {
      this.item.hide();
      return;
    }
    const label = n === 1 ? vscode.l10n.t('1 connection failure in this window') : vscode.l10n.t('{0} connection failures in this window', n);
    this.item.text = `$(debug-disconnect) ${n}`;
    this.item.tooltip = vscode.l10n.t('{0} — click to show incidents', label);
    this.item.accessibilityInformation = { label, role: 'button' };
    this.item.show();
  }
}
