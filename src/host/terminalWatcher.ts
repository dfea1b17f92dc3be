/**
 * Watches terminal commands through shell integration: each execution's output
 * is read from the start event on (read() only yields data from its first call)
 * and scanned as it arrives; the command line, cwd and exit code become context.
 *
 * read() loses output upstream: the extension host registers the stream's listener in a
 * microtask after read() returns, so data that reaches it in the same message batch as the
 * start event is dropped (every version; a short command such as `nc` or `printf` loses all
 * of it), and before 1.98 the end can also overtake the last data (microsoft/vscode#237208).
 * A command whose start came before activation is not streamed at all. So a failed command
 * that left no incident is read again from the terminal's own buffer once it ends (see
 * {@link readLastCommandOutput}): when its stream delivered nothing, when its start was not
 * seen, and on VS Code before 1.98 whatever the stream delivered.
 */
import * as vscode from 'vscode';
import { maskSecrets } from '../core/diagnose/mask';
import { completeTarget } from '../core/detect/commandLine';
import type { Incident } from '../core/types';
import { StreamDetector } from '../core/detect/stream';
import { Owner } from './disposables';
import type { IncidentReporter } from './reporter';
import type { Services } from './services';
import type { IncidentOrigin } from './model/incidentHistory';
import { StreamFeed } from './model/streamFeed';

/** Most incident ids remembered per command (to add the exit code once it ends). */
const MAX_IDS_PER_RUN = 256;
/** Most characters of a command's output read back from the terminal buffer. */
const MAX_RECOVERED_CHARS = 1 << 20;

interface Run {
  origin: IncidentOrigin;
  commandLine: string | undefined;
  ids: Set<string>;
  /** Characters the stream delivered. */
  read: number;
  /** Settles once the stream has ended and everything it delivered is scanned. */
  done: Promise<void>;
}

/** Whether this VS Code's execution.read() can lose a command's output (fixed in 1.98 by microsoft/vscode#241491). */
export function readIsRacy(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major === 1 && minor < 98;
}

/** Streams every shell-integrated command's output into a detector. */
export class TerminalWatcher extends Owner {
  private readonly runs = new WeakMap<vscode.TerminalShellExecution, Run>();
  /** Commands ended per terminal: a read-back is only right while its command is the terminal's last. */
  private readonly ended = new WeakMap<vscode.Terminal, number>();
  private recovering: Promise<void> = Promise.resolve();
  /** Commands being read right now (internal, for tests). */
  active = 0;
  /** Commands whose output was read back from the terminal buffer (internal, for tests). */
  recovered = 0;
  /** The latest failed commands considered for a read-back: characters streamed, incidents (internal, for tests). */
  readonly recentRuns: { commandLine: string; read: number; incidents: number }[] = [];
  /**
   * Read back from the buffer in a browser workbench too (internal, for tests: the test
   * workbench's clipboard is in memory; a real browser would ask the user for permission).
   */
  recoverInBrowser = false;
  /** Discards what read() delivers and reads failed commands back as where read() is racy (internal, for tests). */
  simulateLostOutput = false;

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
    const commandLine = e.execution.commandLine.value || undefined;
    const run = this.newRun(e.terminal, commandLine, e.execution.cwd);
    this.runs.set(e.execution, run);
    const feed = this.feedFor(run);
    this.active++;
    run.done = (async () => {
      try {
        for await (const data of stream) {
          if (this.isDisposed) break;
          if (this.simulateLostOutput) continue;
          run.read += data.length;
          feed.push(data);
          // Back-pressure: scan what we have before pulling more.
          await feed.idle();
        }
      } catch (err) {
        this.services.log.warn(`terminal '${run.origin.name}': reading output failed: ${String(err)}`);
      } finally {
        await feed.end();
        this.active--;
        if (feed.dropped > 0) this.services.log.warn(`terminal '${run.origin.name}': skipped ${feed.dropped} characters of output (too much at once)`);
      }
    })();
  }

  private newRun(terminal: vscode.Terminal, commandLine: string | undefined, cwd: vscode.Uri | undefined): Run {
    const origin: IncidentOrigin = { kind: 'terminal', name: terminal.name };
    if (commandLine) origin.commandLine = maskSecrets(commandLine.slice(0, 1_000));
    if (cwd) origin.cwd = cwd.fsPath;
    return { origin, commandLine, ids: new Set(), read: 0, done: Promise.resolve() };
  }

  private feedFor(run: Run): StreamFeed {
    return new StreamFeed(new StreamDetector(), (incident: Incident) => {
      const stored = this.reporter.report(completeTarget(incident, run.commandLine), { ...run.origin });
      if (stored && run.ids.size < MAX_IDS_PER_RUN) run.ids.add(stored.id);
    });
  }

  private onEnd(e: vscode.TerminalShellExecutionEndEvent): void {
    const endedHere = (this.ended.get(e.terminal) ?? 0) + 1;
    this.ended.set(e.terminal, endedHere);
    let run = this.runs.get(e.execution);
    if (e.exitCode !== undefined && run) {
      run.origin.exitCode = e.exitCode;
      for (const id of run.ids) this.services.incidents.annotate(id, { exitCode: e.exitCode });
    }
    if (!this.services.config.current.watchTerminals || e.exitCode === undefined || e.exitCode === 0) return;
    // No start event (activation raced the command), an empty stream, or a version whose end overtakes data.
    if (run && run.read > 0 && !this.simulateLostOutput && !readIsRacy(vscode.version)) return;
    run ??= this.newRun(e.terminal, e.execution.commandLine.value || undefined, e.execution.cwd);
    run.origin.exitCode = e.exitCode;
    const target = run;
    this.recovering = this.recovering.then(() => this.recover(e.terminal, target, endedHere)).catch((err: unknown) => {
      this.services.log.warn(`terminal '${target.origin.name}': reading the output back failed: ${String(err)}`);
    });
  }

  /** Scans a failed command's output from the terminal buffer when its stream left no incident. */
  private async recover(terminal: vscode.Terminal, run: Run, endedHere: number): Promise<void> {
    await run.done;
    this.recentRuns.push({ commandLine: run.commandLine ?? '', read: run.read, incidents: run.ids.size });
    if (this.recentRuns.length > 64) this.recentRuns.shift();
    if (run.ids.size > 0 || this.isDisposed) return;
    if (vscode.env.uiKind !== vscode.UIKind.Desktop && !this.recoverInBrowser) return;
    const text = await readLastCommandOutput(terminal, () => this.ended.get(terminal) === endedHere);
    if (text === undefined || text.length === 0) return;
    this.recovered++;
    this.services.log.info(`terminal '${run.origin.name}': read ${text.length} characters of a failed command back from the terminal (its stream had ${run.read})`);
    const feed = this.feedFor(run);
    feed.push(text.length > MAX_RECOVERED_CHARS ? text.slice(text.length - MAX_RECOVERED_CHARS) : text);
    await feed.end();
  }
}

/**
 * The output of the terminal's last finished command, as the terminal shows it: VS Code's
 * "Copy Last Command Output" (shell integration's command marks over the terminal buffer; the
 * 1.93 API has no other way to read a terminal), through the clipboard, whose text is put back
 * at once. Only for the active terminal (no focus or terminal switch), and only while `stillLast`
 * holds (no later command has finished there); otherwise undefined.
 */
export async function readLastCommandOutput(terminal: vscode.Terminal, stillLast: () => boolean): Promise<string | undefined> {
  if (vscode.window.activeTerminal !== terminal || !stillLast()) return undefined;
  const clipboard = vscode.env.clipboard;
  const previous = await clipboard.readText();
  let text: string | undefined;
  try {
    await vscode.commands.executeCommand('workbench.action.terminal.copyLastCommandOutput');
    const copied = await clipboard.readText();
    text = copied !== previous && vscode.window.activeTerminal === terminal && stillLast() ? copied : undefined;
  } finally {
    await clipboard.writeText(previous);
  }
  return text;
}
