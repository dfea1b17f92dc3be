/**
 * The small services object passed explicitly to every feature of the VS Code
 * layer (no globals, no service locator). Types only: implementations live in
 * their own modules and are built in extension.ts.
 */
import type * as vscode from 'vscode';
import type { Incident, Target } from '../core/types';
import type { Config } from './model/configModel';
import type { IncidentOrigin, StoredIncident } from './model/incidentHistory';

/** Reads the configuration once and refreshes on change. */
export interface ConfigStore {
  readonly current: Readonly<Config>;
  readonly onDidChange: vscode.Event<Readonly<Config>>;
}

/** The bounded, persisted history of incidents. */
export interface IncidentStore {
  /** Newest first. */
  list(): readonly StoredIncident[];
  get(id: string): StoredIncident | undefined;
  latest(): StoredIncident | undefined;
  /** Adds or folds an incident; returns the stored one and whether it is new. */
  add(incident: Incident, origin: IncidentOrigin): { stored: StoredIncident; isNew: boolean };
  remove(id: string): void;
  clear(): void;
  /** Muted targets ("host:port") raise no notification. */
  mute(targetKey: string): void;
  isMuted(targetKey: string): boolean;
  /** Fires after changes, coalesced (a flood of incidents fires a few times, not once per line). */
  readonly onDidChange: vscode.Event<void>;
  /** Lets a muted target notify again. */
  unmute(targetKey: string): void;
  /** Lets every muted target notify again. */
  unmuteAll(): void;
  /** Muted target keys, oldest first. */
  mutedTargets(): readonly string[];
  /** Updates where a stored incident came from (e.g. the exit code once its command ends). */
  annotate(id: string, patch: Partial<IncidentOrigin>): void;
}

/** A request to open the diagnosis panel. */
export interface DiagnoseRequest {
  incident: StoredIncident | null;
  target: Target;
}

export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly config: ConfigStore;
  readonly incidents: IncidentStore;
  readonly log: vscode.LogOutputChannel;
  /** Opens (or reveals) the diagnosis panel and starts the probes. */
  diagnose(request: DiagnoseRequest): void;
}
