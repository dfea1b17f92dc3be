/** The incident history of this workspace: bounded, folded, persisted in workspaceState. */
import * as vscode from 'vscode';
import type { Incident } from '../core/types';
import { Owner } from './disposables';
import { IncidentHistory } from './model/incidentHistory';
import type { ConfigStore, IncidentStore } from './services';
import type { IncidentOrigin, StoredIncident } from './model/incidentHistory';

/** workspaceState key of the history. */
export const HISTORY_STATE_KEY = 'connectionDoctor.history';
/** Delay that coalesces change events and workspaceState writes during a flood. */
const COALESCE_MS = 75;
const PERSIST_MS = 1_000;

/** {@link IncidentStore} over {@link IncidentHistory} and `workspaceState`. */
export class WorkspaceIncidentStore extends Owner implements IncidentStore {
  private readonly history: IncidentHistory;
  private readonly emitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.emitter.event;
  private fireTimer: ReturnType<typeof setTimeout> | undefined;
  private persistTimer: ReturnType<typeof setTimeout> | undefined;
  /** Incidents added since activation (the status bar's count). */
  private addedThisWindow = 0;

  constructor(
    private readonly state: vscode.Memento,
    config: ConfigStore,
  ) {
    super();
    this.history = new IncidentHistory(config.current.historySize);
    this.history.restore(state.get<unknown>(HISTORY_STATE_KEY));
    this.register(
      config.onDidChange((c) => {
        if (this.history.setLimit(c.historySize)) this.changed();
      }),
    );
    this.register({ dispose: () => this.flush() });
  }

  list(): readonly StoredIncident[] {
    return this.history.list();
  }

  get(id: string): StoredIncident | undefined {
    return this.history.get(id);
  }

  latest(): StoredIncident | undefined {
    return this.history.latest();
  }

  /** How many new incidents arrived since the window opened. */
  get windowCount(): number {
    return this.addedThisWindow;
  }

  add(incident: Incident, origin: IncidentOrigin): { stored: StoredIncident; isNew: boolean } {
    const result = this.history.add(incident, origin);
    if (result.isNew) this.addedThisWindow++;
    this.changed();
    return result;
  }

  annotate(id: string, patch: Partial<IncidentOrigin>): void {
    if (this.history.annotate(id, patch)) this.changed();
  }

  remove(id: string): void {
    if (this.history.remove(id)) this.changed();
  }

  clear(): void {
    this.history.clear();
    this.addedThisWindow = 0;
    this.changed();
  }

  mute(targetKey: string): void {
    if (this.history.mute(targetKey)) this.changed();
  }

  unmute(targetKey: string): void {
    if (this.history.unmute(targetKey)) this.changed();
  }

  unmuteAll(): void {
    if (this.history.unmuteAll()) this.changed();
  }

  isMuted(targetKey: string): boolean {
    return this.history.isMuted(targetKey);
  }

  mutedTargets(): readonly string[] {
    return this.history.mutedTargets();
  }

  /** Writes pending changes now (on dispose, and for tests). */
  flush(): Thenable<void> {
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    return this.state.update(HISTORY_STATE_KEY, this.history.toJSON());
  }

  private changed(): void {
    this.fireTimer ??= setTimeout(() => {
      this.fireTimer = undefined;
      if (!this.isDisposed) this.emitter.fire();
    }, COALESCE_MS);
    this.persistTimer ??= setTimeout(() => {
      this.persistTimer = undefined;
      void this.state.update(HISTORY_STATE_KEY, this.history.toJSON());
    }, PERSIST_MS);
  }

  override dispose(): void {
    if (this.fireTimer) clearTimeout(this.fireTimer);
    super.dispose();
  }
}
