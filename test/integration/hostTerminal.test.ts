import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { incidentFor, integratedTerminal, refusedPort, resettingServer, runCommand, sq, testApi, waitFor } from './hostHelpers';

/** The node binary of this extension host: always present, whatever PATH the terminal has. */
const node = sq(process.execPath);

describe('Host layer: terminals', function () {
  this.timeout(120_000);
  const terminals: vscode.Terminal[] = [];
  after(() => terminals.forEach((t) => t.dispose()));

  it('records a refused connection printed by node in a bash terminal', async () => {
    const api = await testApi();
    api.incidents.clear();
    const port = await refusedPort();
    const terminal = await integratedTerminal('cd-refused');
    terminals.push(terminal);
    const script = `require('net').connect(${port}, '127.0.0.1').on('error', (e) => { console.error('Error: ' + e.message); process.exit(3); })`;
    const exitCode = await runCommand(terminal, `${node} -e ${sq(script)}`);
    const stored = await waitFor('the refused incident', () => incidentFor(api, '127.0.0.1', port));
    assert.equal(stored.category, 'refused');
    assert.equal(stored.code, 'ECONNREFUSED');
    assert.equal(stored.origin.kind, 'terminal');
    assert.equal(stored.origin.name, 'cd-refused');
    assert.match(stored.origin.commandLine ?? '', /-e/);
    if (exitCode !== undefined) await waitFor('the exit code on the incident', () => incidentFor(api, '127.0.0.1', port)?.origin.exitCode === exitCode);
    assert.ok(api.reporter.recentNotifications.some((m) => m.startsWith(`Connection refused by 127.0.0.1:${port} (node, terminal 'cd-refused')`)), 'a notification names target, program and terminal');
    await waitFor('the status bar count', () => api.statusBar.text.includes('$(debug-disconnect)'));
  });

  it('records a reset from curl against a loopback server that resets', async () => {
    const api = await testApi();
    api.incidents.clear();
    const server = await resettingServer();
    try {
      const terminal = await integratedTerminal('cd-reset');
      terminals.push(terminal);
      await runCommand(terminal, `curl -sS --max-time 10 http://127.0.0.1:${server.port}/health`);
      // curl's message names no host; the command line's URL supplies it.
      const stored = await waitFor('the reset incident', () => incidentFor(api, '127.0.0.1', server.port));
      assert.equal(stored.category, 'reset');
      assert.equal(stored.ecosystem, 'curl');
    } finally {
      await server.close();
    }
  });

  it('folds a retry loop into one incident with a count', async () => {
    const api = await testApi();
    api.incidents.clear();
    const port = await refusedPort();
    const terminal = await integratedTerminal('cd-retry');
    terminals.push(terminal);
    const script = `for (let i = 0; i < 5; i++) console.log('Error: connect ECONNREFUSED 127.0.0.1:${port}')`;
    await runCommand(terminal, `${node} -e ${sq(script)}`);
    const stored = await waitFor('the folded incident', () => {
      const i = incidentFor(api, '127.0.0.1', port);
      return i && i.count >= 5 ? i : undefined;
    });
    assert.equal(stored.count, 5);
    assert.equal(api.incidents.list().filter((i) => i.port === port).length, 1);
  });

  it('keeps the history at its bound under a flood of 100 000 failure lines and stays responsive', async () => {
    const api = await testApi();
    api.incidents.clear();
    const bound = api.services.config.current.historySize;
    const notifiedBefore = api.reporter.recentNotifications.length;
    const terminal = await integratedTerminal('cd-flood');
    terminals.push(terminal);
    // 100 000 distinct targets (text only: nothing is contacted) so nothing folds.
    const script = `let s = ''; for (let i = 0; i < 100000; i++) { s += 'Error: connect ECONNREFUSED 10.' + (i >> 16) + '.' + ((i >> 8) & 255) + '.' + (i & 255) + ':5432\\n'; if (s.length > 65536) { process.stdout.write(s); s = ''; } } process.stdout.write(s);`;
    let ticks = 0;
    let ticking = true;
    const tick = (): void => {
      if (!ticking) return;
      if (api.terminals.active > 0) ticks++;
      setTimeout(tick, 5);
    };
    tick();
    await runCommand(terminal, `${node} -e ${sq(script)}`);
    await waitFor('the terminal output to be scanned', () => api.terminals.active === 0, 90_000);
    ticking = false;
    assert.equal(api.incidents.list().length, bound, 'the history is at its bound');
    assert.ok(api.incidents.windowCount > bound, 'more incidents arrived than the bound keeps');
    assert.ok(ticks >= 2, `timers ran while the flood was scanned (${ticks})`);
    const notified = api.reporter.recentNotifications.length - notifiedBefore;
    assert.ok(notified <= 3, `a flood raises at most a few notifications (${notified})`);
    // Still responsive: a hover request round-trips.
    const doc = await vscode.workspace.openTextDocument({ content: 'Error: connect ECONNREFUSED 127.0.0.1:1', language: 'log' });
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 5));
    assert.ok(hovers.length > 0);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('watches tasks that run in terminals the same way', async function () {
    const api = await testApi();
    api.incidents.clear();
    const port = await refusedPort();
    const script = `require('net').connect(${port}, '127.0.0.1').on('error', (e) => { console.error('Error: ' + e.message); process.exit(4); })`;
    const task = new vscode.Task({ type: 'shell', label: 'cd-task' }, vscode.TaskScope.Workspace, 'cd-task', 'connection-doctor-test', new vscode.ShellExecution(`${node} -e ${sq(script)}`, { executable: '/bin/bash', shellArgs: ['-c'] }));
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Never, close: true };
    let integrated = false;
    const started = vscode.window.onDidStartTerminalShellExecution((e) => {
      if (e.terminal.name.includes('cd-task')) integrated = true;
    });
    const ended = new Promise<void>((resolve) => {
      const sub = vscode.tasks.onDidEndTaskProcess((e) => {
        if (e.execution.task.name === 'cd-task') {
          sub.dispose();
          resolve();
        }
      });
    });
    await vscode.tasks.executeTask(task);
    await ended;
    // Shell-execution events and scanning may trail the task process's end.
    await waitFor('a shell execution in the task terminal', () => integrated || incidentFor(api, '127.0.0.1', port) !== undefined, 10_000).catch(() => undefined);
    started.dispose();
    if (!integrated && !incidentFor(api, '127.0.0.1', port)) {
      // Older VS Code versions (1.93) run tasks without shell integration: such task
      // terminals get the hint and the terminal links instead, like any other terminal.
      this.skip();
    }
    const stored = await waitFor('the incident from the task', () => incidentFor(api, '127.0.0.1', port), 60_000);
    assert.equal(stored.category, 'refused');
    assert.equal(stored.origin.kind, 'terminal');
  });

  it('hints once, without errors, at a terminal without shell integration', async () => {
    const api = await testApi();
    const previous = api.terminalHint.graceMs;
    api.terminalHint.graceMs = 1_500;
    try {
      const terminal = vscode.window.createTerminal({ name: 'cd-plain-sh', shellPath: '/bin/sh' });
      terminals.push(terminal);
      await waitFor('the shell-integration hint', () => api.terminalHint.wasHinted(terminal), 20_000);
      assert.equal(terminal.shellIntegration, undefined);
      assert.equal(terminal.exitStatus, undefined, 'the terminal keeps running');
    } finally {
      api.terminalHint.graceMs = previous;
    }
  });
});
