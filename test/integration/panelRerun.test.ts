// A diagnosis panel restored after a window reload takes its target from the page's saved
// state; its Re-run must honour connectionDoctor.ignoredHosts like every other way to a probe.
// The panel code is the real one, in the real extension host, with the extension's services;
// only the webview is a stand-in, so the test can send the page's messages itself.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { deserializeDiagnosisPanel } from '../../src/host/webview/diagnosisPanel';
import { countingServer, testApi, waitFor } from './hostHelpers';

/** A webview panel whose page is the test: it records what the host posts and sends what the test fires. */
function standInPanel(): { panel: vscode.WebviewPanel; posted: { type: string; [k: string]: unknown }[]; send(msg: unknown): void; dispose(): void } {
  const received = new vscode.EventEmitter<unknown>();
  const disposed = new vscode.EventEmitter<void>();
  const viewState = new vscode.EventEmitter<vscode.WebviewPanelOnDidChangeViewStateEvent>();
  const posted: { type: string; [k: string]: unknown }[] = [];
  let gone = false;
  const webview = {
    options: {},
    html: '',
    cspSource: 'https://stand-in.invalid',
    asWebviewUri: (uri: vscode.Uri) => uri,
    onDidReceiveMessage: received.event,
    postMessage: (msg: { type: string }) => {
      posted.push(msg);
      return Promise.resolve(true);
    },
  };
  const panel = {
    webview,
    visible: true,
    title: '',
    onDidChangeViewState: viewState.event,
    onDidDispose: disposed.event,
    reveal: () => undefined,
    dispose: () => {
      if (gone) return;
      gone = true;
      disposed.fire();
    },
  } as unknown as vscode.WebviewPanel;
  return { panel, posted, send: (msg) => received.fire(msg), dispose: () => panel.dispose() };
}

describe('Diagnosis panel: Re-run of a restored panel', function () {
  this.timeout(60_000);

  it('probes no host of connectionDoctor.ignoredHosts (it says why), and probes it once the setting allows', async () => {
    const ext = await testApi();
    const config = vscode.workspace.getConfiguration('connectionDoctor');
    const server = await countingServer();
    const { port } = server;
    const page = standInPanel();
    await config.update('ignoredHosts', ['127.0.0.1'], vscode.ConfigurationTarget.Global);
    try {
      await waitFor('the setting', () => ext.services.config.current.ignoredHosts.includes('127.0.0.1'));
      // What the page saved with setState before the reload.
      deserializeDiagnosisPanel(ext.services, page.panel, { model: { run: 3, target: { host: '127.0.0.1', port, scheme: null, url: null }, phase: 'done', verdict: 'Saved verdict' } });
      page.send({ type: 'ready' });
      await waitFor('the restored model', () => page.posted.some((m) => m.type === 'start'));

      page.send({ type: 'rerun' });
      // A probe run opens its TCP connect within milliseconds; give it far longer.
      await new Promise((r) => setTimeout(r, 2_000));
      assert.equal(server.accepted(), 0, `the ignored host was probed (${server.accepted()} connections)`);
      const running = page.posted.filter((m) => m.type === 'start' && (m.model as { phase?: string }).phase === 'running');
      assert.equal(running.length, 0, 'no run started');
      const notice = page.posted.find((m) => m.type === 'notice');
      assert.match(String(notice?.text), /127\.0\.0\.1 is in "connectionDoctor\.ignoredHosts"/);

      // The same Re-run probes once the host is no longer ignored: the check above could fail.
      await config.update('ignoredHosts', undefined, vscode.ConfigurationTarget.Global);
      await waitFor('the setting', () => ext.services.config.current.ignoredHosts.length === 0);
      page.send({ type: 'rerun' });
      await waitFor('a connection to the no longer ignored host', () => server.accepted() > 0, 15_000);
      await waitFor('the run of the re-run', () => page.posted.some((m) => m.type === 'start' && (m.model as { phase?: string; run?: number }).run === 4));
    } finally {
      page.dispose();
      await config.update('ignoredHosts', undefined, vscode.ConfigurationTarget.Global);
      await server.close();
    }
  });
});
