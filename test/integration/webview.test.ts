import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PROBE_IDS } from '../../src/core/types';
import { STRING_KEYS } from '../../src/shared/strings';
import { webviewTrace } from '../../src/host/model/trace';
import { refusedPort } from '../support/refusedPort';

const EXTENSION_ID = 'connection-doctor.connection-doctor';


async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 45_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; trace: ${JSON.stringify(webviewTrace().slice(-40))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('connectionDoctor.diagnosis'));
}

describe('Webviews: the protocol inside VS Code', function () {
  this.timeout(90_000);

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  it('diagnosing a refused loopback port opens the panel, whose page says ready before it gets any state, and the run ends with its result: top cause no-listener', async () => {
    const port = await refusedPort();
    const trace = webviewTrace();
    const from = trace.length;
    // The error text carries markup; the UI test (test/ui/webviews.ui.test.ts) proves the page shows it as text.
    const text = `Error: connect ECONNREFUSED 127.0.0.1:${port} <img src=x onerror="globalThis.__cdPwned=1"><script>globalThis.__cdPwned=2</script>`;
    await vscode.commands.executeCommand('connectionDoctor.diagnose', { text, source: 'integration', sourceKind: 'manual' });

    const entries = await waitFor('the panel result', () => {
      const mine = trace.slice(from).filter((e) => e.webview === 'panel');
      // A fast run can end before the page loads: then the start sent on `ready` already holds the result.
      return mine.some((e) => e.type === 'result' || e.type === 'failed' || (e.type === 'start' && e.state === 'done')) ? mine : undefined;
    });
    assert.equal(panelTabs().length, 1, 'one diagnosis panel is open');

    const types = entries.map((e) => `${e.dir}:${e.type}`);
    const ready = types.indexOf('in:ready');
    const start = types.indexOf('out:start');
    assert.ok(ready >= 0, `the page said ready: ${types.join(' ')}`);
    assert.ok(start > ready, `state is sent only after ready: ${types.join(' ')}`);
    assert.equal(entries[start].strings, STRING_KEYS.length, 'the first state after ready carries every translated string');
    assert.ok(!types.includes('out:failed'), types.join(' '));
    const result = entries.find((e) => e.type === 'result');
    if (result) {
      const ofRun = entries.filter((e) => e.dir === 'out' && e.run === result.run);
      assert.equal(ofRun[ofRun.length - 1].type, 'result', 'nothing of the run is sent after its result');
      assert.equal(result.topCause, 'no-listener');
    } else {
      assert.equal(entries[entries.length - 1].state, 'done', 'the start sent on ready carries the finished run');
    }
  });

  it('a run on the ready panel streams every probe live, then the result', async () => {
    const port = await refusedPort();
    const trace = webviewTrace();
    const from = trace.length;
    await vscode.commands.executeCommand('connectionDoctor.diagnose', { text: `connect ECONNREFUSED 127.0.0.1:${port}` });
    const entries = await waitFor('the second result', () => {
      const mine = trace.slice(from).filter((e) => e.webview === 'panel' && e.dir === 'out');
      return mine.some((e) => e.type === 'result') ? mine : undefined;
    });
    assert.equal(panelTabs().length, 1, 'the panel is reused');
    const run = entries.find((e) => e.type === 'start')?.run;
    assert.ok(run !== undefined && run >= 2);
    const ofRun = entries.filter((e) => e.run === run);
    assert.equal(ofRun[0].type, 'start');
    assert.equal(ofRun[0].strings, undefined, 'a page that has the strings is not sent them again');
    assert.equal(ofRun[ofRun.length - 1].type, 'result', 'nothing of the run is sent after its result');
    assert.equal(ofRun[ofRun.length - 1].topCause, 'no-listener');
    // Each probe moves forward only (pending -> running -> ok/fail/skipped) and every one reports its end.
    const done = new Set<string>();
    for (const p of ofRun.filter((e) => e.type === 'probe')) {
      assert.ok(p.probe && PROBE_IDS.includes(p.probe as (typeof PROBE_IDS)[number]), String(p.probe));
      if (p.state === 'running') assert.ok(!done.has(p.probe), `${p.probe} ran again after it finished`);
      else {
        assert.ok(p.state === 'ok' || p.state === 'fail' || p.state === 'skipped', String(p.state));
        done.add(p.probe);
      }
    }
    assert.deepEqual([...done].sort(), [...PROBE_IDS].sort(), `every probe reported live: ${JSON.stringify(ofRun)}`);
  });

  it('the incidents view says ready and gets the incidents', async () => {
    const trace = webviewTrace();
    const from = trace.length;
    await vscode.commands.executeCommand('connectionDoctor.incidents.focus');
    const entries = await waitFor('the incidents view', () => {
      const mine = trace.slice(from).filter((e) => e.webview === 'incidents');
      return mine.some((e) => e.type === 'incidents') ? mine : undefined;
    });
    const types = entries.map((e) => `${e.dir}:${e.type}`);
    assert.ok(types.indexOf('in:ready') >= 0 && types.indexOf('in:ready') < types.indexOf('out:incidents'), types.join(' '));
    assert.equal(entries[types.indexOf('out:incidents')].strings, STRING_KEYS.length, 'the first list after ready carries every translated string');
  });

  after(async () => {
    for (const tab of panelTabs()) await vscode.window.tabGroups.close(tab);
  });
});
