import * as assert from 'node:assert';
import * as vscode from 'vscode';

const EXTENSION_ID = 'connection-doctor.connection-doctor';

describe('Extension activation', () => {
  it('is installed and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not installed`);
    await ext.activate();
    assert.strictEqual(ext.isActive, true);
  });

  it('registers the Diagnose connection command', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('connectionDoctor.diagnose'), 'connectionDoctor.diagnose is not registered');
  });

  it('contributes the incidents view', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    const views = (ext?.packageJSON as { contributes?: { views?: Record<string, { id: string; type?: string }[]> } })
      .contributes?.views?.connectionDoctor ?? [];
    assert.ok(views.some((v) => v.id === 'connectionDoctor.incidents' && v.type === 'webview'));
  });
});
