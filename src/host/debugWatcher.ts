/**
 * Watches debug output: a tracker for every debug type feeds the adapter's
 * `output` events (stdout, stderr, console, important) into one detector per
 * category, with the session's name and type as context.
 */
import * as vscode from 'vscode';
import { outputOf } from './model/debugOutput';
import { StreamDetector } from '../core/detect/stream';
import { Owner } from './disposables';
import type { IncidentReporter } from './reporter';
import type { Services } from './services';
import type { IncidentOrigin } from './model/incidentHistory';
import { StreamFeed } from './model/streamFeed';

/** Registers the tracker factory for every debug type. */
export class DebugWatcher extends Owner implements vscode.DebugAdapterTrackerFactory {
  constructor(
    private readonly services: Services,
    private readonly reporter: IncidentReporter,
  ) {
    super();
    this.register(vscode.debug.registerDebugAdapterTrackerFactory('*', this));
  }

  createDebugAdapterTracker(session: vscode.DebugSession): vscode.DebugAdapterTracker | undefined {
    if (!this.services.config.current.watchDebug) return undefined;
    const origin: IncidentOrigin = { kind: 'debug', name: session.name, debugType: session.type };
    const cwd: unknown = session.configuration.cwd;
    if (typeof cwd === 'string') origin.cwd = cwd;
    const feeds = new Map<string, StreamFeed>();
    const ids = new Set<string>();
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      for (const feed of feeds.values()) void feed.end();
    };
    return {
      onDidSendMessage: (message: unknown) => {
        const out = ended ? null : outputOf(message);
        if (!out) return;
        let feed = feeds.get(out.category);
        if (!feed) {
          feed = new StreamFeed(new StreamDetector(), (incident) => {
            const stored = this.reporter.report(incident, { ...origin });
            if (stored && ids.size < 256) ids.add(stored.id);
          });
          feeds.set(out.category, feed);
        }
        feed.push(out.output);
      },
      onExit: (code) => {
        if (typeof code === 'number') {
          origin.exitCode = code;
          for (const id of ids) this.services.incidents.annotate(id, { exitCode: code });
        }
        end();
      },
      onWillStopSession: end,
      onError: (error) => this.services.log.warn(`debug session '${session.name}': ${error.message}`),
    };
  }
}
