// "Explain" (from a hover's link) only reads: it shows the explanation and records no incident,
// while "Diagnose" on the same text still does.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands, EXPLAIN_SCHEME } from '../../src/host/model/commandIds';
import { incidentFor, refusedPort, testApi, waitFor } from './hostHelpers';

describe('Host layer: Explain is read-only', function () {
  this.timeout(60_000);

  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('explaining a failure line shows its explanation and leaves the incident history and the status-bar count unchanged', async () => {
    const api = await testApi();
    // A target no other test used, so recording it would add a new entry rather than fold into one.
    const port = await refusedPort();
    const text = `Error: connect ECONNREFUSED 127.0.0.1:${port}`;
    const before = api.incidents.list().length;
    const windowCount = api.incidents.windowCount;
    const statusText = api.statusBar.text;
    const docsBefore = new Set(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === EXPLAIN_SCHEME).map((d) => d.uri.toString()));

    await vscode.commands.executeCommand(Commands.explain, { text, source: 'server.log', sourceKind: 'file' });
    const doc = await waitFor('the explanation document', () =>
      vscode.workspace.textDocuments.find((d) => d.uri.scheme === EXPLAIN_SCHEME && !docsBefore.has(d.uri.toString()) && d.getText().includes(`127.0.0.1:${port}`)),
    );
    assert.match(doc.getText(), /^# Connection refused/);

    assert.equal(api.incidents.list().length, before, 'explain added no incident');
    assert.equal(incidentFor(api, '127.0.0.1', port), undefined, 'the explained target is not in the history');
    assert.equal(api.incidents.windowCount, windowCount, 'the window count did not grow');
    assert.equal(api.statusBar.text, statusText, 'the status bar did not change');

    // The same text is detectable and Diagnose still records it: the contrast proves the test can fail.
    await vscode.commands.executeCommand(Commands.diagnose, { text, source: 'server.log', sourceKind: 'file' });
    const stored = await waitFor('the diagnosed incident', () => incidentFor(api, '127.0.0.1', port));
    assert.equal(stored.category, 'refused');
    assert.equal(api.incidents.list().length, before + 1);
  });
});
