/**
 * Where every watcher sends what it detects: ignores ignored hosts, stores and
 * folds, then notifies (non-modal, with a quiet period) and optionally opens the panel.
 */
import * as vscode from 'vscode';
import { targetFromIncident } from '../core/probes/target';
import type { Incident } from '../core/types';
import { Commands } from './model/commandIds';
import { isIgnoredHost } from './model/configModel';
import { Owner } from './disposables';
import { targetKeyOfIncident } from './model/incidentHistory';
import type { Services } from './services';
import type { IncidentOrigin, StoredIncident } from './model/incidentHistory';
import { NotificationGate, notificationMessage } from './model/wording';

/** Most recent notification texts kept for the internal test API. */
const RECENT_NOTIFICATIONS = 20;

/** Turns detected incidents into stored incidents, notifications and (if enabled) a diagnosis. */
export class IncidentReporter extends Owner {
  private readonly gate = new NotificationGate();
  private readonly autoOpenGate = new NotificationGate(60_000, 1);
  /** Texts of the latest notifications, newest last (internal, for tests). */
  readonly recentNotifications: string[] = [];
  private logWindowStart = 0;
  private logged = 0;
  private logSkipped = 0;

  constructor(private readonly services: Services) {
    super();
    this.register(services.incidents.onDidChange(() => {
      if (services.incidents.list().length === 0) {
        this.gate.reset();
        this.autoOpenGate.reset();
      }
    }));
  }

  /** Records one detected incident; returns the stored one, or undefined when its host is ignored. */
  report(incident: Incident, origin: IncidentOrigin): StoredIncident | undefined {
    const { config, incidents } = this.services;
    const cfg = config.current;
    if (isIgnoredHost(incident.host, cfg.ignoredHosts)) return undefined;
    const { stored, isNew } = incidents.add(incident, origin);
    const targetKey = targetKeyOfIncident(stored);
    const now = Date.now();
    if (isNew && this.shouldLog(now)) this.services.log.info(`incident ${stored.category} ${targetKey} (${origin.kind} '${origin.name}', rule ${stored.rule})`);
    if (this.gate.shouldNotify(cfg.notifications, targetKey, incidents.isMuted(targetKey), now)) this.notify(stored);
    if (cfg.autoOpenPanel && !incidents.isMuted(targetKey) && this.autoOpenGate.shouldNotify('always', targetKey, false, now)) {
      const target = targetFromIncident(stored);
      if (target) this.services.diagnose({ incident: stored, target });
    }
    return stored;
  }

  /** Rate-limits the log so a flood of distinct failures does not flood the output channel. */
  private shouldLog(now: number): boolean {
    if (now - this.logWindowStart > 60_000) {
      if (this.logSkipped > 0) this.services.log.info(`${this.logSkipped} more incidents were not logged`);
      this.logWindowStart = now;
      this.logged = 0;
      this.logSkipped = 0;
    }
    if (this.logged < 50) {
      this.logged++;
      return true;
    }
    this.logSkipped++;
    return false;
  }

  private notify(stored: StoredIncident): void {
    const message = notificationMessage(stored, vscode.l10n.t);
    this.recentNotifications.push(message);
    if (this.recentNotifications.length > RECENT_NOTIFICATIONS) this.recentNotifications.shift();
    const diagnose = vscode.l10n.t('Diagnose');
    const show = vscode.l10n.t('Show incidents');
    const mute = vscode.l10n.t('Mute this target');
    const actions = stored.host !== null ? [diagnose, show, mute] : [show, mute];
    void vscode.window.showWarningMessage(message, ...actions).then(async (choice) => {
      if (choice === diagnose) await vscode.commands.executeCommand(Commands.diagnose, { incidentId: stored.id });
      else if (choice === show) await vscode.commands.executeCommand(Commands.showIncidents);
      else if (choice === mute) await vscode.commands.executeCommand(Commands.muteTarget, targetKeyOfIncident(stored));
    });
  }
}
