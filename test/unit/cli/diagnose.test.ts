import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..', '..');
const CLI = join(REPO, 'dist', 'cli.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: REPO, env: { PATH: process.env.PATH, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err && typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? ((err as unknown as { code: number }).code) : err ? 1 : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A loopback port that refuses: bound once, then closed. */
function refusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface JsonDiagnosis {
  target: { host: string; port: number; scheme: string | null; url: string | null };
  incident: { code: string | null } | null;
  probes: Array<{ id: string; status: string }>;
  causes: Array<{ id: string; title: string; confidence: number; evidence: Array<{ probe: string; supports: boolean; text: string }>; fixes: unknown[] }>;
  verdict: string;
}

describe('connection-doctor diagnose (child process)', function () {
  this.timeout(60_000);

  before(async () => {
    const built = await run(process.execPath, ['esbuild.js']);
    assert.equal(built.code, 0, built.stderr);
  });

  it('prints one JSON object ranking no-listener first for a refused loopback port', async () => {
    const port = await refusedPort();
    const r = await run(process.execPath, [CLI, 'diagnose', '--json', '--timeout', '1500', '--attempts', '2', `127.0.0.1:${port}`]);
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout) as JsonDiagnosis;
    assert.deepEqual(d.target, { host: '127.0.0.1', port, scheme: null, url: null });
    assert.equal(d.incident, null);
    assert.ok(d.probes.some((p) => p.id === 'tcp' && p.status === 'fail'));
    assert.equal(d.causes[0].id, 'no-listener', d.causes.map((c) => c.id).join());
    assert.ok(d.causes[0].evidence.some((e) => e.probe === 'tcp' && e.supports));
    for (let i = 1; i < d.causes.length; i++) assert.ok(d.causes[i - 1].confidence >= d.causes[i].confidence);
    assert.ok(typeof d.verdict === 'string' && d.verdict.includes(String(port)));
  });

  it('takes the incident and the target from --error', async () => {
    const port = await refusedPort();
    const r = await run(process.execPath, [CLI, 'diagnose', '--json', '--timeout', '1500', '--attempts', '2', '--error', `Error: connect ECONNREFUSED 127.0.0.1:${port}\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)`]);
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout) as JsonDiagnosis;
    assert.equal(d.target.port, port);
    assert.equal(d.incident?.code, 'ECONNREFUSED');
    assert.equal(d.causes[0].id, 'no-listener');
  });

  it('prints a readable report without --json', async () => {
    const port = await refusedPort();
    const r = await run(process.execPath, [CLI, 'diagnose', '--timeout', '1500', '--attempts', '2', `localhost:${port}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Verdict: /);
    assert.match(r.stdout, /\[no-listener\]/);
  });

  it('diagnoses a name-resolution failure that names a host but no port: only the name is probed', async () => {
    const r = await run(process.execPath, [CLI, 'diagnose', '--json', '--timeout', '1500', '--error', 'Error: getaddrinfo ENOTFOUND db.cd-test.invalid\n    at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:dns:120:26)']);
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout) as JsonDiagnosis & { target: { host: string; nameOnly?: boolean }; probes: Array<{ id: string; status: string }> };
    assert.equal(d.target.host, 'db.cd-test.invalid');
    assert.equal(d.target.nameOnly, true);
    assert.deepEqual(d.probes.filter((p) => p.status !== 'skipped').map((p) => p.id).sort(), ['proxy', 'resolve']);
  });

  it('takes a host written alone as a name-only question and connects to nothing', async () => {
    const r = await run(process.execPath, [CLI, 'diagnose', '--timeout', '1500', 'localhost']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Connection Doctor — localhost \(name only: no port given\)/);
    assert.match(r.stdout, /Verdict: The name resolves \(localhost → [^)]+\); no port was given, so nothing was connected to/);
    assert.match(r.stdout, /skip tcp/);
  });

  for (const [what, args] of [
    ['an unparseable target', ['not a target']],
    ['a URL without a host', ['http:///path']],
    ['an unknown option', ['--bogus', '127.0.0.1:1']],
    ['a bad --timeout', ['--timeout', 'soon', '127.0.0.1:1']],
    ['no target at all', []],
    ['an error text naming no failure', ['--error', 'all good here']],
  ] as const) {
    it(`exits 2 with one clear stderr line for ${what}`, async () => {
      const r = await run(process.execPath, [CLI, 'diagnose', ...args]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^connection-doctor diagnose: \S.*\n/);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    });
  }
});
