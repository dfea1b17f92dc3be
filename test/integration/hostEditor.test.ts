import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../src/host/model/commandIds';
import { testApi, waitFor } from './hostHelpers';

const LOG = [
  '2024-05-01T10:00:00Z info server starting',
  '2024-05-01T10:00:01Z error Error: connect ECONNREFUSED 127.0.0.1:5432',
  '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1595:16)',
  '2024-05-01T10:00:02Z info retrying in 5s',
  '2024-05-01T10:00:03Z info <img src=x onerror=alert(1)> harmless line',
].join('\n');

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

describe('Host layer: editors', function () {
  this.timeout(60_000);
  let uri: vscode.Uri;

  before(async () => {
    await testApi();
    const dir = mkdtempSync(join(tmpdir(), 'cd-log-'));
    const file = join(dir, 'server.log');
    writeFileSync(file, LOG);
    uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(uri);
  });

  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('hovers a failure line of a .log file with category, meaning, causes and command links', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(1, 30));
    const text = hoverText(hovers);
    assert.match(text, /Connection refused/);
    assert.match(text, /127\.0\.0\.1:5432/);
    assert.match(text, /nothing was listening/i);
    assert.ok(text.includes(`command:${Commands.diagnose}?`), 'links Diagnose this connection');
    assert.ok(text.includes(`command:${Commands.explain}?`), 'links Explain');
    const ours = hovers.find((h) => hoverText([h]).includes('Connection refused'));
    const content = ours?.contents[0];
    assert.ok(content instanceof vscode.MarkdownString || typeof content === 'object');
  });

  it('stays silent on other lines, including HTML-looking ones', async () => {
    // Line 2 is the failure's stack frame: part of the same block, so it hovers too (checked below).
    for (const line of [0, 3, 4]) {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, 5));
      assert.doesNotMatch(hoverText(hovers), /Diagnose this connection/, `no hover on line ${line}`);
    }
    const onFrame = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(2, 10));
    assert.match(hoverText(onFrame), /Connection refused[\s\S]*127\.0\.0\.1:5432/, 'the stack frame belongs to the failure above it');
  });

  it('hovers untitled documents too', async () => {
    const doc = await vscode.workspace.openTextDocument({ content: 'curl: (7) Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn\'t connect to server' });
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 3));
    assert.match(hoverText(hovers), /Connection refused/);
    // Leave no dirty untitled document behind (closing it later would ask to save).
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('offers the diagnosis as a quick fix on the failure line', async () => {
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(1, 0, 1, 0));
    const diagnose = actions.find((a) => a.command?.command === Commands.diagnose);
    assert.ok(diagnose, 'a Diagnose quick fix');
    assert.match(diagnose.title, /127\.0\.0\.1:5432/);
    assert.equal(diagnose.kind?.value, vscode.CodeActionKind.QuickFix.value);
  });

  it('publishes failure lines of open log files as diagnostics when enabled', async () => {
    const config = vscode.workspace.getConfiguration('connectionDoctor');
    await config.update('diagnosticsInLogs', true, vscode.ConfigurationTarget.Global);
    try {
      const diags = await waitFor('log diagnostics', () => {
        const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'Connection Doctor');
        return d.length > 0 ? d : undefined;
      });
      assert.equal(diags.length, 1);
      assert.equal(diags[0].range.start.line, 1);
      assert.equal(diags[0].severity, vscode.DiagnosticSeverity.Information);
    } finally {
      await config.update('diagnosticsInLogs', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor('diagnostics cleared', () => vscode.languages.getDiagnostics(uri).every((x) => x.source !== 'Connection Doctor'));
  });

  it('opens the explanation as a read-only Markdown document', async () => {
    await vscode.commands.executeCommand(Commands.explain, { text: 'Error: connect ECONNREFUSED 127.0.0.1:5432' });
    const doc = await waitFor('the explanation document', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'connection-doctor'));
    assert.match(doc.getText(), /^# Connection refused/);
  });
});
