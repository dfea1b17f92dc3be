import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fillCommand } from '../../../src/core/diagnose/template';
import type { RankedCause, Target, VerifyCommand } from '../../../src/core/types';
import { PROBE_IDS } from '../../../src/core/types';
import type { StoredIncident } from '../../../src/host/model/incidentHistory';
import {
  groupIncidents,
  initialModel,
  probeRow,
  restoredModel,
  terminalCommand,
  terminalShell,
  toIncidentView,
  whereView,
} from '../../../src/host/model/views';
import { applyProbeRow, settleRows } from '../../../src/shared/panelModel';

function incident(over: Partial<StoredIncident>): StoredIncident {
  return {
    id: 'i1',
    key: 'k',
    category: 'refused',
    also: [],
    code: 'ECONNREFUSED',
    syscall: 'connect',
    host: '127.0.0.1',
    port: 5432,
    url: null,
    ecosystem: 'node',
    rule: 'node-econnrefused',
    count: 1,
    text: 'Error: connect ECONNREFUSED 127.0.0.1:5432',
    line: 1,
    endLine: 1,
    firstSeen: 1_000,
    lastSeen: 1_000,
    origin: { kind: 'terminal', name: 'server', commandLine: 'npm start', cwd: '/home/me/secret', exitCode: 1 },
    ...over,
  };
}

const target: Target = { host: '127.0.0.1', port: 5432, scheme: null, url: null };

function cause(verify: VerifyCommand[]): RankedCause {
  return { id: 'no-listener', title: 'Nothing listens', confidence: 0.9, explanation: '', evidence: [], fixes: [], verify, references: [] };
}

describe('webview views', () => {
  it('groups incidents by host:port, newest group first, summing counts', () => {
    const groups = groupIncidents(
      [
        incident({ id: 'a', lastSeen: 5, count: 3 }),
        incident({ id: 'b', host: 'db.local', port: 5432, category: 'dns', lastSeen: 9 }),
        incident({ id: 'c', lastSeen: 7, count: 2, category: 'reset' }),
      ],
      (k) => k === 'db.local:5432',
    );
    assert.deepEqual(groups.map((g) => g.targetKey), ['db.local:5432', '127.0.0.1:5432']);
    assert.equal(groups[0].muted, true);
    assert.equal(groups[1].muted, false);
    assert.equal(groups[1].count, 5);
    assert.equal(groups[1].lastSeen, 7);
    assert.equal(groups[1].category, 'reset', 'the newest incident decides the group icon');
    assert.deepEqual(groups[1].incidents.map((i) => i.id), ['c', 'a']);
  });

  it('sends the webview no more of an origin than it shows (no cwd)', () => {
    const view = toIncidentView(incident({}));
    assert.deepEqual(view.origin, { kind: 'terminal', name: 'server', commandLine: 'npm start', exitCode: 1 });
    assert.equal(view.text, 'Error: connect ECONNREFUSED 127.0.0.1:5432');
  });

  it('moves probe rows pending -> running -> done, masking secrets in summaries', () => {
    const model = initialModel(1, target, incident({}), { remoteName: null, machine: 'box', programProxy: null, vscodeProxy: null }, 0);
    assert.deepEqual(model.probes.map((p) => p.state), PROBE_IDS.map(() => 'pending'));
    const result = { id: 'proxy' as const, status: 'fail' as const, ms: 12.4, summary: 'proxy http://bob:hunter2@10.0.0.1:3128 refused', data: {} };
    applyProbeRow(model, probeRow(result, 'start'));
    assert.equal(model.probes.find((p) => p.id === 'proxy')?.state, 'running');
    applyProbeRow(model, probeRow(result, 'done'));
    const row = model.probes.find((p) => p.id === 'proxy');
    assert.equal(row?.state, 'fail');
    assert.equal(row?.ms, 12);
    assert.ok(!row?.summary.includes('hunter2'));
    settleRows(model);
    assert.ok(model.probes.every((p) => p.state !== 'pending' && p.state !== 'running'));
  });

  it('reads the program\'s proxy from its environment, honouring NO_PROXY, with credentials masked', () => {
    const programProxy = (t: Target, env: NodeJS.ProcessEnv): string | null => whereView(t, null, 'm', env, 'http://vs:8888').programProxy;
    const https: Target = { host: 'api.example.com', port: 443, scheme: 'https', url: 'https://api.example.com' };
    assert.equal(programProxy(https, {}), null);
    assert.equal(programProxy(https, { HTTPS_PROXY: 'http://u:pw123456@proxy:3128' }), 'http://u:****@proxy:3128');
    assert.equal(programProxy(https, { https_proxy: 'http://proxy:1', NO_PROXY: 'localhost,.example.com' }), null);
    assert.equal(programProxy(target, { HTTP_PROXY: 'http://proxy:1' }), 'http://proxy:1');
    assert.equal(programProxy(target, { ALL_PROXY: 'socks5://proxy:1080', no_proxy: '*' }), null);
    // The proxy probe's resolver, not a second one: CIDR entries in NO_PROXY, and port 443 means HTTPS_PROXY.
    assert.equal(programProxy({ host: '10.1.2.3', port: 80, scheme: 'http', url: null }, { HTTP_PROXY: 'http://proxy:1', NO_PROXY: '10.0.0.0/8' }), null);
    assert.equal(programProxy({ host: 'h.test', port: 443, scheme: null, url: null }, { HTTP_PROXY: 'http://plain:1', HTTPS_PROXY: 'http://tls:2' }), 'http://tls:2');
    // VS Code's http.proxy is beside the program's view, never taken for it.
    assert.equal(programProxy(https, {}), null);
  });

  describe('run in terminal', () => {
    const nc = fillCommand({ run: ['nc', '-vz', '{host}', '{port}'] }, target, {});
    const curl = (url: string): VerifyCommand => fillCommand({ run: ['curl', '--globoff', '-v', '{url}'] }, { ...target, url }, {});

    it('runs only a command the host holds, looked up by cause and position', () => {
      const causes = [cause([nc])];
      assert.deepEqual(terminalCommand(causes, 'no-listener', 0, 'sh'), { text: 'nc -vz 127.0.0.1 5432' });
      assert.equal(terminalCommand(causes, 'no-listener', 1, 'sh'), null);
      assert.equal(terminalCommand(causes, 'other', 0, 'sh'), null);
    });

    it('quotes a hostile URL for the terminal\'s shell and withholds what no shell can quote', () => {
      const causes = [cause([curl("http://127.0.0.1:8081/a;touch${IFS}/tmp/pwned'x"), curl('http://x/a\u001b]0;t\u0007'), curl('http://x/%PATH%')])];
      assert.deepEqual(terminalCommand(causes, 'no-listener', 0, 'sh'), { text: "curl --globoff -v 'http://127.0.0.1:8081/a;touch${IFS}/tmp/pwned'\\''x'" });
      assert.deepEqual(terminalCommand(causes, 'no-listener', 0, 'pwsh'), { text: "curl --globoff -v 'http://127.0.0.1:8081/a;touch${IFS}/tmp/pwned''x'" });
      assert.deepEqual(terminalCommand(causes, 'no-listener', 0, 'cmd'), { text: "curl --globoff -v \"http://127.0.0.1:8081/a;touch${IFS}/tmp/pwned'x\"" });
      assert.ok('withheld' in (terminalCommand(causes, 'no-listener', 2, 'cmd') ?? { text: '' }));
      assert.ok('withheld' in (terminalCommand(causes, 'no-listener', 1, 'sh') ?? { text: '' }));
    });

    it('runs the user\'s shell when its quoting is known, else /bin/sh', () => {
      assert.deepEqual(terminalShell('/usr/bin/zsh', 'linux'), { dialect: 'sh', shellPath: '/usr/bin/zsh' });
      assert.deepEqual(terminalShell('C:\\Program Files\\PowerShell\\7\\pwsh.exe', 'win32').dialect, 'pwsh');
      assert.deepEqual(terminalShell('C:\\Windows\\System32\\cmd.exe', 'win32').dialect, 'cmd');
      assert.deepEqual(terminalShell('/usr/bin/fish', 'linux'), { dialect: 'sh', shellPath: '/bin/sh' });
      assert.deepEqual(terminalShell('', 'win32'), { dialect: 'pwsh', shellPath: 'powershell.exe' });
    });
  });

  it('restores only a model with a valid target, and always as "restored"', () => {
    const model = initialModel(3, target, incident({}), { remoteName: 'ssh-remote', machine: 'box', programProxy: null, vscodeProxy: null }, 42);
    model.phase = 'done';
    const back = restoredModel(JSON.parse(JSON.stringify({ model })));
    assert.ok(back);
    assert.equal(back.phase, 'restored');
    assert.deepEqual(back.target, target);
    assert.equal(back.run, 3);
    for (const bad of [undefined, null, 'x', {}, { model: {} }, { model: { target: { host: '', port: 1 } } }, { model: { target: { host: 'h', port: 70000, scheme: null, url: null } } }]) {
      assert.equal(restoredModel(bad), null);
    }
  });
});

describe('webview page code', () => {
  const dir = join(__dirname, '..', '..', '..', 'src', 'webview');
  it('never parses HTML: no innerHTML, outerHTML, insertAdjacentHTML, document.write or eval', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    assert.ok(files.includes('panel.ts') && files.includes('incidents.ts'));
    for (const f of files) {
      const src = readFileSync(join(dir, f), 'utf8');
      assert.doesNotMatch(src, /\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|\beval\(|new Function\(|createContextualFragment|DOMParser/, f);
    }
  });
});
