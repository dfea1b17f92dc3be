/**
 * The incidents side view: incidents grouped by target, with a filter, and
 * actions to diagnose, mute or remove them. It re-renders whenever the store changes.
 */
import * as vscode from 'vscode';
import type { FromIncidents, ToIncidents } from '../../shared/protocol';
import { assertNever, targetKeyOf } from '../../shared/protocol';
import { Commands } from '../model/commandIds';
import type { IncidentCommandArgs } from '../model/commandIds';
import type { Services } from '../services';
import { WebviewController } from './controller';
import { groupIncidents } from '../model/views';

/** Serves the `connectionDoctor.incidents` webview view. */
export class IncidentsViewProvider implements vscode.WebviewViewProvider {
  /** The view id contributed in package.json. */
  static readonly viewId = 'connectionDoctor.incidents';

  private controller: WebviewController<'incidents'> | undefined;

  constructor(private readonly services: Services) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.controller?.dispose();
    const controller = new WebviewController('incidents', view.webview, this.services.context.extensionUri, (msg) => this.onMessage(msg), this.services.log);
    this.controller = controller;
    const subscriptions: vscode.Disposable[] = [
      this.services.incidents.onDidChange(() => this.push()),
      view.onDidChangeVisibility(() => {
        if (!view.visible) controller.markHidden();
      }),
    ];
    view.onDidDispose(() => {
      for (const d of subscriptions.splice(0)) d.dispose();
      controller.dispose();
      if (this.controller === controller) this.controller = undefined;
    });
  }

  /** Sends the current groups (a no-op until the page is ready). */
  private push(): void {
    // Grouping the whole history is wasted while no ready page would receive it.
    if (!this.controller?.isReady) return;
    const store = this.services.incidents;
    const list = store.list();
    this.post({ type: 'incidents', groups: groupIncidents(list, (key) => store.isMuted(key)), total: list.length });
  }

  private post(msg: ToIncidents): void {
    this.controller?.post(msg);
  }

  private async onMessage(msg: FromIncidents): Promise<void> {
    const store = this.services.incidents;
    switch (msg.type) {
      case 'ready':
        this.push();
        return;
      case 'diagnose': {
        const incident = store.get(msg.id);
        if (!incident) {
          this.post({ type: 'notice', text: vscode.l10n.t('That incident is no longer in the history.') });
          this.push();
          return;
        }
        // The diagnose command builds the target from the incident the same way for every entry point.
        await vscode.commands.executeCommand(Commands.diagnose, { incidentId: incident.id } satisfies IncidentCommandArgs);
        return;
      }
      case 'mute':
        if (!store.list().some((i) => targetKeyOf(i.host, i.port) === msg.targetKey)) return;
        store.mute(msg.targetKey);
        this.push();
        this.post({ type: 'notice', text: vscode.l10n.t('{0} will raise no more notifications.', msg.targetKey) });
        return;
      case 'remove':
        for (const id of msg.ids) store.remove(id);
        return;
      case 'clear':
        // The same command as the view's title button: one confirmation dialog, one place.
        await vscode.commands.executeCommand(Commands.clearIncidents);
        return;
      default:
        assertNever(msg, 'message');
    }
  }
}
