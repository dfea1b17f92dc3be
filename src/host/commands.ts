/** Every command handler, registered from one place ({@link Commands} holds the ids). */
import * as vscode from 'vscode';
import { explainCategory } from '../core/knowledge/categories';
import { targetFromIncident } from '../core/probes/target';
import type { Incident, Target } from '../core/types';
import type { IncidentCommandArgs } from './model/commandIds';
import { Commands, EXPLAIN_SCHEME, Views, parseIncidentArgs } from './model/commandIds';
import { isIgnoredHost } from './model/configModel';
import { detectText } from '../core/detect/detect';
import { loadOfflineCauses } from './model/detection';
import { MAX_INPUT_CHARS, readDiagnoseInput, validateDiagnoseInput } from './model/diagnoseInput';
import { Owner } from './disposables';
import { explanationMarkdown } from './model/hoverModel';
import { targetKeyOfIncident } from './model/incidentHistory';
import type { Services } from './services';
import type { IncidentOrigin, StoredIncident } from './model/incidentHistory';
import { openShellIntegrationHelp } from './terminalHint';
import { targetLabel } from './model/wording';

/** What a command is about: an incident of the history, or one just detected and not yet stored. */
type FoundIncident = { stored: StoredIncident } | { fresh: Incident; origin: IncidentOrigin };

/** Most explanation documents kept for the Markdown preview. */
const MAX_EXPLANATIONS = 20;

/** Registers the commands and the read-only explanation documents they open. */
export class CommandHandlers extends Owner implements vscode.TextDocumentContentProvider {
  private readonly explanations = new Map<string, string>();
  private explainSeq = 0;

  constructor(private readonly services: Services) {
    super();
    const handlers: Record<(typeof Commands)[keyof typeof Commands], (...args: unknown[]) => unknown> = {
      [Commands.diagnose]: (arg) => this.diagnose(arg),
      [Commands.explain]: (arg) => this.explain(arg),
      [Commands.showIncidents]: () => vscode.commands.executeCommand(`${Views.incidents}.focus`),
      [Commands.clearIncidents]: () => this.clear(),
      [Commands.muteTarget]: (arg) => this.mute(arg),
      [Commands.unmuteAll]: () => this.unmuteAll(),
      [Commands.shellIntegrationHelp]: () => openShellIntegrationHelp(),
    };
    for (const [id, handler] of Object.entries(handlers)) this.register(vscode.commands.registerCommand(id, handler));
    this.register(vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, this));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.explanations.get(uri.path) ?? vscode.l10n.t('This explanation is no longer available. Run "Explain" again.');
  }

  /** Resolves what to diagnose (incident id, text, selection, latest incident, input box) and opens the panel. */
  async diagnose(arg?: unknown): Promise<void> {
    const found = await this.incidentFrom(parseIncidentArgs(arg), true);
    if (found === undefined) return;
    if (found === null) return this.askAndDiagnose();
    // Diagnosing a line records it: the panel and the side view refer to it by id.
    const incident = 'stored' in found ? found.stored : this.keep(found.fresh, found.origin);
    const target = targetFromIncident(incident) ?? (await this.askTarget(vscode.l10n.t('This error names no host and port. Which host:port or URL should be probed?')));
    if (target) this.open(incident, target);
  }

  /**
   * The incident an invocation is about: a stored one by id, one detected in
   * passed text, or (from the palette) one in the selection, else the latest.
   * A detected one is not stored here: diagnose keeps it, explain (read-only) does not.
   * Returns null when nothing applies, undefined after telling the user why not.
   */
  private async incidentFrom(args: IncidentCommandArgs, fromPalette: boolean): Promise<FoundIncident | null | undefined> {
    const store = this.services.incidents;
    if (args.incidentId !== undefined) {
      const stored = store.get(args.incidentId);
      if (!stored) void vscode.window.showWarningMessage(vscode.l10n.t('That incident is no longer in the history.'));
      return stored ? { stored } : undefined;
    }
    if (args.text !== undefined) {
      const fresh = detectText(args.text)[0];
      if (!fresh) {
        void vscode.window.showWarningMessage(vscode.l10n.t('No connection failure found in that text.'));
        return undefined;
      }
      return { fresh, origin: { kind: args.sourceKind ?? 'manual', name: args.source ?? vscode.l10n.t('selection') } };
    }
    if (!fromPalette) return null;
    const editor = vscode.window.activeTextEditor;
    if (editor && !editor.selection.isEmpty) {
      const text = editor.document.getText(editor.selection).slice(0, MAX_INPUT_CHARS);
      const fresh = detectText(text)[0];
      if (fresh) {
        const path = editor.document.uri.path;
        return { fresh, origin: { kind: 'file', name: path.slice(path.lastIndexOf('/') + 1) } };
      }
    }
    const latest = store.latest();
    return latest ? { stored: latest } : null;
  }

  /** Stores an incident the user pointed at (no notification: they are already looking at it). */
  private keep(incident: Incident, origin: IncidentOrigin): StoredIncident {
    return this.services.incidents.add(incident, origin).stored;
  }

  private async askAndDiagnose(): Promise<void> {
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('Diagnose connection'),
      prompt: vscode.l10n.t('A URL, host:port, or a pasted error message'),
      placeHolder: vscode.l10n.t('e.g. localhost:5432, https://api.example.com, or "connect ECONNREFUSED 127.0.0.1:5432"'),
      ignoreFocusOut: true,
      validateInput: (v) => validateDiagnoseInput(v, vscode.l10n.t),
    });
    if (value === undefined) return;
    const read = readDiagnoseInput(value, vscode.l10n.t);
    if (read.kind === 'target') this.open(null, read.target);
    else if (read.kind === 'incident' && read.target) this.open(this.keep(read.incident, { kind: 'manual', name: vscode.l10n.t('pasted text') }), read.target);
  }

  private async askTarget(prompt: string): Promise<Target | undefined> {
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('Diagnose connection'),
      prompt,
      ignoreFocusOut: true,
      validateInput: (v) => (readDiagnoseInput(v, vscode.l10n.t).kind === 'target' ? undefined : vscode.l10n.t('Enter host:port or a URL.')),
    });
    if (value === undefined) return undefined;
    const read = readDiagnoseInput(value, vscode.l10n.t);
    return read.kind === 'target' ? read.target : undefined;
  }

  private open(incident: StoredIncident | null, target: Target): void {
    if (isIgnoredHost(target.host, this.services.config.current.ignoredHosts)) {
      void vscode.window.showWarningMessage(vscode.l10n.t('{0} is in "connectionDoctor.ignoredHosts", so it is never probed.', target.host));
      return;
    }
    this.services.diagnose({ incident, target });
  }

  /** Opens the knowledge-base explanation of an incident as a Markdown preview (no probes, nothing recorded). */
  async explain(arg?: unknown): Promise<void> {
    const found = await this.incidentFrom(parseIncidentArgs(arg), true);
    if (found === undefined) return;
    if (found === null) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Nothing to explain yet: select an error message, or wait for an incident.'));
      return;
    }
    // Read-only: a line the user only asked about does not join the history or the status-bar count.
    const incident: Incident = 'stored' in found ? found.stored : found.fresh;
    const likelyCausesOffline = await loadOfflineCauses();
    const markdown = explanationMarkdown(incident, explainCategory(incident.category), likelyCausesOffline(incident), vscode.l10n.t);
    const name = (targetLabel(incident.host, incident.port) ?? incident.category).replace(/[^\w.:-]/g, '_');
    const path = `/${++this.explainSeq}/${name}.md`;
    this.explanations.set(path, markdown);
    for (const key of this.explanations.keys()) {
      if (this.explanations.size <= MAX_EXPLANATIONS) break;
      this.explanations.delete(key);
    }
    const uri = vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path });
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      // Without the built-in Markdown extension, the source is still readable.
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
    }
  }

  private async clear(): Promise<void> {
    const store = this.services.incidents;
    if (store.list().length === 0) return;
    const yes = vscode.l10n.t('Clear');
    const answer = await vscode.window.showWarningMessage(vscode.l10n.t('Clear all incidents of this workspace?'), { modal: true }, yes);
    if (answer === yes) store.clear();
  }

  /** Mutes a target given as "host:port" or an incident id; without one, offers the targets in the history. */
  private async mute(arg?: unknown): Promise<void> {
    const store = this.services.incidents;
    let key: string | undefined;
    if (typeof arg === 'string' && arg.length < 512) key = store.get(arg) ? targetKeyOfIncident(store.get(arg) as StoredIncident) : arg;
    else {
      const byId = parseIncidentArgs(arg).incidentId;
      const stored = byId !== undefined ? store.get(byId) : undefined;
      if (stored) key = targetKeyOfIncident(stored);
    }
    if (key === undefined) {
      const keys = [...new Set(store.list().map(targetKeyOfIncident))].filter((k) => !store.isMuted(k));
      if (keys.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No targets to mute.'));
        return;
      }
      key = await vscode.window.showQuickPick(keys, { title: vscode.l10n.t('Mute notifications for a target') });
      if (key === undefined) return;
    }
    store.mute(key);
    void vscode.window.setStatusBarMessage(vscode.l10n.t('Connection Doctor: {0} muted', key), 4_000);
  }

  private unmuteAll(): void {
    const n = this.services.incidents.mutedTargets().length;
    this.services.incidents.unmuteAll();
    void vscode.window.setStatusBarMessage(vscode.l10n.t('Connection Doctor: {0} targets unmuted', n), 4_000);
  }
}
