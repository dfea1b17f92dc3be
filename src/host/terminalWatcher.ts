/**
 * Watches terminal commands through shell integration: each execution's output
 * is read from the start event on (read() only yields data from its first call)
 * and scanned as it arrives; the command line, cwd and exit code become context.
 */
import * as vscode from 'vscode';
import { maskSecrets } from '../core/diagnose/mask';
import { completeTarget } from '../core/detect/commandLine';
import { createDetector } from './detection';
import { Owner } from './disposables';
import type { IncidentReporter } from './reporter';
import type { IncidentOrigin, Services } from './services';
import { StreamFeed } from './streamFeed';

/** Most incident ids remembered per command (to add the exit code once it ends). */
const MAX_IDS_PER_RUN = 256;

interface Run {
  origin: IncidentOrigin;
  ids: Set<string>;
}

/** Streams every shell-integrated command's output into a detector. */
export class TerminalWatcher extends Owner {
  private readonly runs = new WeakMap<vscode.TerminalShellExecution, Run>();
  /** Commands being read right now (internal, for tests). */
  active = 0;

  constructor(
    private readonly services: Services,
    private readonly reporter: IncidentReporter,
  ) {
    super();
    this.register(vscode.window.onDidStartTerminalShellExecution((e) => this.onStart(e)));
    this.register(vscode.window.onDidEndTerminalShellExecution((e) => this.onEnd(e)));
  }

  private onStart(e: vscode.TerminalShellExecutionStartEvent): void {
    if (!this.services.config.current.watchTerminals) return;
    // Must be called synchronously in the start event, or the first output is lost.
    const stream = e.execution.read();
    const origin: IncidentOrigin = { kind: 'terminal', name: e.terminal.name };
    const commandLine = e.execution.commandLine.value;
    if (commandLine) origin.commandLine = maskSecrets(commandLine.slice(0, 1_000));
    if (e.execution.cwd) origin.cwd = e.execution.cwd.fsPath;
    const run: Run = { origin, ids: new Set() };
    this.runs.set(e.execution, run);
    const feed = new StreamFeed(createDetector(), (incident) => {
      const stored = this.reporter.report(completeTarget(incident, commandLine), { ...run.origin });
      if (stored && run.ids.size < MAX_IDS_PER_RUN) run.ids.add(stored.id);
    });
    this.active++;
    void (async () => {
      try {
        for await (const data of stream) {
          if (this.isDisposed) break;
          feed.push(data);
          // Back-pressure: scan what we have before pulling more.
          await feed.idle();
        }
      } catch (err) {
        this.services.log.warn(`terminal '${origin.name}': reading output failed: ${String(err)}`);
      } finally {
        await feed.end();
        this.active--;
        if (feed.dropped > 0) this.services.log.warn(`terminal '${origin.name}': skipped ${feed.dropped} characters of output (too much at once)`);
      }
    })();
  }

  private onEnd(e: vscode.TerminalShellExecutionEndEvent): void {
    const run = this.runs.get(e.execution);
    if (!run || e.exitCode === undefined) return;
    run.origin.exitCode = e.exitCode;
    for (const id of run.ids) this.services.incidents.annotate(id, { exitCode: e.exitCode });
  }
}
