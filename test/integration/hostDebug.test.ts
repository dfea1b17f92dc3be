import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { incidentFor, refusedPort, testApi, waitFor } from './hostHelpers';

describe('Host layer: debug sessions', function () {
  this.timeout(120_000);

  it('records an incident from the output of a node debug session', async function () {
    const api = await testApi();
    api.incidents.clear();
    const port = await refusedPort();
    const dir = mkdtempSync(join(tmpdir(), 'cd-debug-'));
    const program = join(dir, 'client.js');
    writeFileSync(program, `require('net').connect(${port}, '127.0.0.1').on('error', (e) => { console.error(e); process.exitCode = 2; });\n`);
    const folder = vscode.workspace.workspaceFolders?.[0];
    const terminated = new Promise<void>((resolve) => {
      const sub = vscode.debug.onDidTerminateDebugSession((s) => {
        if (s.name === 'cd-debug-client') {
          sub.dispose();
          resolve();
        }
      });
    });
    const started = await vscode.debug.startDebugging(folder, {
      type: 'node',
      request: 'launch',
      name: 'cd-debug-client',
      program,
      runtimeExecutable: process.execPath,
      console: 'internalConsole',
      outputCapture: 'std',
    });
    if (!started) {
      // The js-debug extension ships with VS Code and code-server; without it there is nothing to debug.
      this.skip();
    }
    const stored = await waitFor('the incident from debug output', () => incidentFor(api, '127.0.0.1', port), 60_000);
    assert.equal(stored.category, 'refused');
    assert.equal(stored.origin.kind, 'debug');
    assert.ok(stored.origin.name.includes('cd-debug-client'), stored.origin.name);
    assert.ok(stored.origin.debugType, 'the debug type is kept');
    await terminated;
  });
});
