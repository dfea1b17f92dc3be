/**
 * Target extraction on REAL client output: each client runs here against a refused, silent,
 * resetting or mis-certified loopback server, or inside a network namespace of its own whose
 * resolver is loopback-only (so a name lookup fails locally and nothing leaves the machine).
 * Its output goes through the detector, then the command line that ran completes the target,
 * as the terminal watcher does. A client that is not installed fails the test in CI and is
 * skipped locally with the reason.
 */
import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completeTarget } from '../../../src/core/detect/commandLine';
import { detectText } from '../../../src/core/detect/detect';
import { incidentTarget } from '../../../src/core/detect/extract';
import type { Incident } from '../../../src/core/types';
import { testCerts } from '../../faults/certs';
import { cleanupNamespaces, createNamespace, inNamespace, netnsUnavailableReason } from '../../faults/netns';
import type { Namespace } from '../../faults/netns';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { refusingPort, silentServer, tlsServer } from '../../faults/servers';
import type { FaultServer } from '../../faults/servers';

const CI = process.env.CI === 'true';

function installed(name: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Skips (locally) or fails (CI) when a client is missing. */
function need(ctx: Mocha.Context, ...names: string[]): void {
  const missing = names.filter((n) => !installed(n));
  if (missing.length === 0) return;
  const reason = `not installed: ${missing.join(', ')} (add the Debian package to .ci/run)`;
  if (CI) throw new Error(reason);
  ctx.skip();
}

/** Runs a client (argument vector, never a shell) and returns what it printed on stdout and stderr. */
function run(file: string, args: readonly string[], opts: { ns?: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  const cmd = inNamespace(opts.ns ?? null, file, args);
  return new Promise((resolve) => {
    execFile(cmd.file, cmd.args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ...opts.env }, cwd: opts.cwd, timeout: opts.timeoutMs ?? 20_000, encoding: 'utf8' }, (_err, stdout, stderr) => resolve(`${stdout}${stderr}`));
  });
}

/** The first incident of the output, completed by the command line as the terminal watcher does. */
function targetOf(output: string, commandLine: string): Incident {
  const [first] = detectText(output);
  assert.ok(first, `no incident in:\n${output}`);
  return completeTarget(first, commandLine);
}

const hp = (i: Pick<Incident, 'host' | 'port'>): string => `${i.host}:${i.port}`;

describe('targets from real client output', function () {
  this.timeout(60_000);
  let refused: FaultServer;
  const servers: FaultServer[] = [];
  const dirs: string[] = [];

  before(async () => {
    refused = await refusingPort();
  });
  after(async () => {
    for (const s of servers) await s.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const tmp = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'cd-targets-'));
    dirs.push(d);
    return d;
  };

  describe('the failing line', () => {
    it('ssh: connect to host … port N', async function () {
      need(this, 'ssh');
      const out = await run('ssh', ['-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-p', String(refused.port), '127.0.0.1', 'true']);
      assert.match(out, /ssh: connect to host 127\.0\.0\.1 port \d+: Connection refused/);
      assert.equal(hp(targetOf(out, `ssh -p ${refused.port} 127.0.0.1`)), `127.0.0.1:${refused.port}`);
    });

    it("ssh: 'Connection to HOST port N timed out' (banner exchange)", async function () {
      need(this, 'ssh');
      const silent = await silentServer();
      servers.push(silent);
      const out = await run('ssh', ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=1', '-p', String(silent.port), '127.0.0.1', 'true']);
      assert.match(out, /Connection to 127\.0\.0\.1 port \d+ timed out/);
      const inc = targetOf(out, 'ssh');
      assert.equal(inc.category, 'timeout');
      assert.equal(hp(inc), `127.0.0.1:${silent.port}`);
    });

    it('psql, redis-cli, nc, curl, wget: the peer each one names', async function () {
      need(this, 'psql', 'redis-cli', 'nc', 'curl', 'wget');
      const p = refused.port;
      const cases: [string, string[], string][] = [
        ['psql', ['-h', '127.0.0.1', '-p', String(p), '-U', 'x', '-d', 'y', '-c', 'select 1'], `127.0.0.1:${p}`],
        ['psql', [`postgresql://u@localhost:${p}/db`, '-c', 'select 1'], `localhost:${p}`],
        ['redis-cli', ['-h', '127.0.0.1', '-p', String(p), 'ping'], `127.0.0.1:${p}`],
        ['nc', ['-v', '127.0.0.1', String(p)], `127.0.0.1:${p}`],
        ['curl', ['-sS', `http://127.0.0.1:${p}/`], `127.0.0.1:${p}`],
        ['wget', ['-O-', `http://localhost:${p}/`], `localhost:${p}`],
      ];
      for (const [file, args, expected] of cases) {
        const out = await run(file, args);
        // No command line: the output alone must name the peer.
        assert.equal(hp(targetOf(out, '')), expected, `${file}: ${out}`);
      }
    });

    it("Go: 'read tcp A->B' names B, the remote end", async function () {
      need(this, 'go');
      // Resets a moment after accepting, while the client waits in read().
      const reset = await lateResetServer();
      servers.push(reset);
      const dir = tmp();
      writeFileSync(join(dir, 'main.go'), GO_READ);
      const out = await run('go', ['run', 'main.go', `127.0.0.1:${reset.port}`], { cwd: dir, env: { GO111MODULE: 'off' }, timeoutMs: 50_000 });
      const m = /read tcp (127\.0\.0\.1:\d+)->(127\.0\.0\.1:\d+): read: connection reset by peer/.exec(out);
      assert.ok(m, out);
      const inc = targetOf(out, '');
      assert.equal(hp(inc), m[2]);
      assert.notEqual(hp(inc), m[1]);
      assert.equal(inc.syscall, 'read');
    });
  });

  describe('the lines of the same record, then the command line', () => {
    it("Java: 'No subject alternative DNS name matching localhost found', the port from the URL it was given", async function () {
      need(this, 'java', 'keytool');
      const certs = await testCerts();
      const tls = await tlsServer(certs.wrongHost);
      servers.push(tls);
      const dir = tmp();
      writeFileSync(join(dir, 'Fetch.java'), JAVA_FETCH);
      execFileSync('keytool', ['-importcert', '-noprompt', '-alias', 'ca', '-file', certs.caFile, '-keystore', join(dir, 'trust.p12'), '-storetype', 'PKCS12', '-storepass', 'changeit'], { stdio: 'ignore' });
      const url = `https://localhost:${tls.port}/`;
      const out = await run('java', [`-Djavax.net.ssl.trustStore=${join(dir, 'trust.p12')}`, '-Djavax.net.ssl.trustStorePassword=changeit', 'Fetch.java', url], { cwd: dir, timeoutMs: 50_000 });
      assert.match(out, /No subject alternative DNS name matching localhost found/);
      const inc = targetOf(out, `java Fetch.java ${url}`);
      assert.equal(inc.category, 'tls');
      assert.equal(hp(inc), `localhost:${tls.port}`);
      assert.equal(inc.portFrom, 'commandLine');
    });

    it('git over git://: the host on the second line, the port from the URL of the command', async function () {
      need(this, 'git');
      const url = `git://127.0.0.1:${refused.port}/x.git`;
      const out = await run('git', ['ls-remote', url]);
      assert.match(out, /127\.0\.0\.1\[0: 127\.0\.0\.1\]: errno=Connection refused/);
      assert.equal(hp(targetOf(out, `git ls-remote ${url}`)), `127.0.0.1:${refused.port}`);
    });

    it('python3 urllib names no host: the URL given on the command line is the target', async function () {
      need(this, 'python3');
      const url = `http://127.0.0.1:${refused.port}/x`;
      const code = `import urllib.request; urllib.request.urlopen('${url}')`;
      const out = await run('python3', ['-c', code]);
      assert.match(out, /Connection refused/);
      const [first] = detectText(out);
      assert.ok(first && first.host === null, 'the output alone names no host');
      assert.equal(hp(completeTarget(first, `python3 fetch.py ${url}`)), `127.0.0.1:${refused.port}`);
    });

    it("MariaDB 10.11 names no port ('Can't connect to server on …'): -P of the command line, else 3306", async function () {
      need(this, 'mariadb');
      const out = await run('mariadb', ['-h', '127.0.0.1', '-P', String(refused.port), '-u', 'x', '-e', 'select 1']);
      const line = out.split('\n').find((l) => l.includes("Can't connect"));
      assert.ok(line, out);
      // The detection rule for this wording belongs to the rule files; the extraction is checked on the line itself.
      const t = incidentTarget([line], [], 'mysql');
      assert.deepEqual([t.host, t.port, t.portFrom], ['127.0.0.1', 3306, 'default']);
      const inc = { ...SKELETON, host: t.host, port: t.port, portFrom: t.portFrom, ecosystem: 'mysql' };
      assert.equal(hp(completeTarget(inc, `mariadb -h 127.0.0.1 -P ${refused.port} -u x`)), `127.0.0.1:${refused.port}`);
    });
  });

  describe('name-resolution failures (a namespace whose resolver is loopback-only)', () => {
    let ns: Namespace | null = null;
    before(async function () {
      const why = netnsUnavailableReason();
      if (why !== null) {
        if (CI) throw new Error(why);
        this.skip();
      }
      ns = await createNamespace({ resolvConf: 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' });
    });
    after(() => {
      ns?.remove();
      cleanupNamespaces();
    });

    it("psql: 'could not translate host name \"db.internal\"' is db.internal on PostgreSQL's port (or -p)", async function () {
      need(this, 'psql');
      const out = await run('psql', ['-h', 'db.internal', '-U', 'x', '-c', 'select 1'], { ns: ns!.name });
      assert.match(out, /could not translate host name "db\.internal" to address/);
      const inc = targetOf(out, '');
      assert.equal(inc.category, 'dns');
      assert.deepEqual([inc.host, inc.port, inc.portFrom], ['db.internal', 5432, 'default']);
      assert.equal(hp(completeTarget(inc, 'psql -h db.internal -p 6543')), 'db.internal:6543');
    });

    it('ssh, nc, curl, redis-cli name the host they could not resolve', async function () {
      need(this, 'ssh', 'nc', 'curl', 'redis-cli');
      const cases: [string, string[], string, string][] = [
        ['ssh', ['-o', 'BatchMode=yes', 'db.invalid', 'true'], 'ssh db.invalid', 'db.invalid:22'],
        ['nc', ['-v', 'db.invalid', '8125'], '', 'db.invalid:8125'],
        ['curl', ['-sS', 'http://db.invalid:81/'], 'curl -sS http://db.invalid:81/', 'db.invalid:81'],
        ['redis-cli', ['-h', 'db.invalid', 'ping'], '', 'db.invalid:6379'],
      ];
      for (const [file, args, line, expected] of cases) {
        const out = await run(file, args, { ns: ns!.name });
        const inc = targetOf(out, line);
        assert.equal(inc.category, 'dns', `${file}: ${out}`);
        assert.equal(hp(inc), expected, `${file}: ${out}`);
      }
    });

    it('curl through a refused proxy: the proxy and the destination are both named', async function () {
      need(this, 'curl', 'git');
      // Inside the namespace 127.0.0.1 is the namespace's own loopback: nothing listens, nothing leaves.
      const proxyPort = 8888;
      const line = `https_proxy=http://127.0.0.1:${proxyPort} curl -sS https://api.example.com/v1`;
      const out = await run('curl', ['-sS', 'https://api.example.com/v1'], { ns: ns!.name, env: { https_proxy: `http://127.0.0.1:${proxyPort}` } });
      assert.match(out, /Failed to connect to 127\.0\.0\.1 port 8888/);
      const inc = targetOf(out, line);
      assert.equal(hp(inc), 'api.example.com:443');
      assert.deepEqual(inc.proxy, { host: '127.0.0.1', port: proxyPort });
      // curl -v says which proxy it used: without the command line the proxy is still named.
      const verbose = await run('curl', ['-sS', '-v', 'https://api.example.com/v1'], { ns: ns!.name, env: { https_proxy: `http://127.0.0.1:${proxyPort}` } });
      const [v] = detectText(verbose);
      assert.ok(v, verbose);
      const t = incidentTarget(verbose.split('\n').filter((l) => l.includes('Failed to connect')), verbose.split('\n'), 'curl');
      assert.deepEqual(t.proxy, { host: '127.0.0.1', port: proxyPort });
      // git uses libcurl: same failure, destination from its URL.
      const gitOut = await run('git', ['ls-remote', 'https://git.example.com/x.git'], { ns: ns!.name, env: { https_proxy: `http://127.0.0.1:${proxyPort}` } });
      const g = targetOf(gitOut, `https_proxy=http://127.0.0.1:${proxyPort} git ls-remote https://git.example.com/x.git`);
      assert.equal(hp(g), 'git.example.com:443');
      assert.deepEqual(g.proxy, { host: '127.0.0.1', port: proxyPort });
    });
  });
});

/** Accepts, waits 100 ms, then resets (RST) on 127.0.0.1. */
async function lateResetServer(): Promise<FaultServer> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    setTimeout(() => s.resetAndDestroy(), 100);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address !== 'object') throw new Error('no port');
  return {
    host: '127.0.0.1',
    port: address.port,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

const SKELETON: Incident = {
  key: '', category: 'refused', also: [], code: null, syscall: null, host: null, port: null, url: null, ecosystem: null,
  rule: 'test', count: 1, text: '', line: 1, endLine: 1, firstSeen: 0, lastSeen: 0,
};

const GO_READ = `package main

import (
	"fmt"
	"net"
	"os"
)

func main() {
	c, err := net.Dial("tcp", os.Args[1])
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	buf := make([]byte, 10)
	_, err = c.Read(buf)
	fmt.Println(err)
}
`;

const JAVA_FETCH = `import java.net.URL;

public class Fetch {
  public static void main(String[] args) throws Exception {
    new URL(args[0]).openStream().close();
  }
}
`;
