import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/host/model/commandIds';
import { testApi } from './hostHelpers';

describe('Host layer: activation', () => {
  it('activates and registers every command', async () => {
    const api = await testApi();
    assert.ok(api.incidents, 'the internal test API exposes the incident store');
    const all = await vscode.commands.getCommands(true);
    for (const id of Object.values(Commands)) assert.ok(all.includes(id), `${id} is registered`);
  });

  it('reads the configuration into a typed snapshot that follows changes', async () => {
    const api = await testApi();
    const config = vscode.workspace.getConfiguration('connectionDoctor');
    assert.equal(api.services.config.current.historySize, 200);
    const changed = new Promise<void>((resolve) => {
      const sub = api.services.config.onDidChange((c) => {
        if (c.historySize === 20) {
          sub.dispose();
          resolve();
        }
      });
    });
    await config.update('historySize', 20, vscode.ConfigurationTarget.Global);
    await changed;
    assert.equal(api.services.config.current.historySize, 20);
    await config.update('historySize', undefined, vscode.ConfigurationTarget.Global);
  });

  it('stores manual incidents from the diagnose command without an input box', async () => {
    const api = await testApi();
    api.incidents.clear();
    // Diagnosing pasted text stores its incident (origin: manual) and opens the panel.
    await vscode.commands.executeCommand(Commands.diagnose, { text: 'Error: connect ECONNREFUSED 127.0.0.1:9', source: 'test', sourceKind: 'manual' });
    const stored = api.incidents.latest();
    assert.equal(stored?.category, 'refused');
    assert.equal(stored?.port, 9);
    assert.equal(stored?.origin.kind, 'manual');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
