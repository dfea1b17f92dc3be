/**
 * What is never the target: a help link, a documentation URL, this machine's own (bind, source,
 * listening) address, a wildcard address, a host on a neighbouring line that only announces a
 * listener. Real output where a program here prints it (Go, Python's http.server, Node);
 * otherwise the wording from the program's source, cited.
 */
import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectText } from '../../../src/core/detect/detect';
import { extractPeer, incidentTarget } from '../../../src/core/detect/extract';
import { refusingPort } from '../../faults/servers';

const CI = process.env.CI === 'true';

function output(file: string, args: readonly string[], cwd?: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { cwd, timeout: 50_000, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') reject(new Error(`${file} is not installed`));
      else resolve(`${stdout}${stderr}`);
    });
  });
}

async function orSkip<T>(ctx: Mocha.Context, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (!CI && String(e).includes('is not installed')) ctx.skip();
    throw e;
  }
}

const first = (text: string): string => {
  const [i] = detectText(text);
  assert.ok(i, `no incident in:\n${text}`);
  return `${i.host}:${i.port}`;
};

describe('targets: never a help link, a bind address or a neighbour', function () {
  this.timeout(60_000);

  describe('help links and documentation URLs', () => {
    // Hadoop 3.x hadoop-common org/apache/hadoop/net/NetUtils.java wrapException():
    // "Call From " + localHost + " to " + destHost + ":" + destPort + " failed on connection exception: " + e + ";" + see("ConnectionRefused"),
    // see(entry) = " For more details see:  http://wiki.apache.org/hadoop/" + entry.
    it("Hadoop's failed cluster connection is the namenode, never wiki.apache.org:80 nor the local host", () => {
      const line = 'java.net.ConnectException: Call From client-01/10.0.0.5 to namenode.internal:8020 failed on connection exception: java.net.ConnectException: Connection refused; For more details see:  http://wiki.apache.org/hadoop/ConnectionRefused';
      assert.equal(first(line), 'namenode.internal:8020');
      // Folded at the width of a terminal: the link on its own line is still not the peer.
      assert.equal(first('ls: Call From client-01/10.0.0.5 to localhost:8020\nfailed on connection exception: java.net.ConnectException: Connection refused; For more\ndetails see:  http://wiki.apache.org/hadoop/ConnectionRefused'), 'localhost:8020');
      // The same method's UnknownHostException branch: getHostDetailsAsString names the destination.
      const unknown = 'java.net.UnknownHostException: Invalid host name: local host is: "client-01/10.0.0.5"; destination host is: "nn.invalid":8020; java.net.UnknownHostException: nn.invalid; For more details see:  http://wiki.apache.org/hadoop/UnknownHost';
      assert.equal(incidentTarget([unknown], [], 'java').host, 'nn.invalid');
      assert.equal(incidentTarget([unknown], [], 'java').port, 8020);
    });

    it('a link after "see", "visit" or "documentation" is no peer, on the failing line or beside it', () => {
      assert.deepEqual(extractPeer(['java.net.ConnectException: Connection refused; For more details see:  http://wiki.apache.org/hadoop/ConnectionRefused'], []), { host: null, port: null, url: null });
      assert.deepEqual(extractPeer(['Error: connect ECONNREFUSED (see https://help.example.org/errors/econnrefused)'], []), { host: null, port: null, url: null });
      assert.deepEqual(extractPeer(['read ECONNRESET'], ['For more information, visit https://support.example.org/kb/123']), { host: null, port: null, url: null });
      // A documentation site is not the target even without a telling word.
      assert.deepEqual(extractPeer(['Error: read ECONNRESET https://nodejs.org/api/errors.html#econnreset'], []), { host: null, port: null, url: null });
      // …while the URL the client fetched still is.
      assert.equal(extractPeer(['FetchError: request to https://api.example.com/v1 failed, reason: read ECONNRESET'], []).host, 'api.example.com');
    });
  });

  describe("this machine's own addresses", () => {
    it("Go with a bound local address: 'dial tcp 0.0.0.0:L->127.0.0.1:P' is P, never the local 0.0.0.0:L", async function () {
      const dir = mkdtempSync(join(tmpdir(), 'cd-neg-'));
      try {
        const refused = await refusingPort();
        const local = await refusingPort();
        writeFileSync(join(dir, 'main.go'), GO_BOUND_DIAL);
        const out = await orSkip(this, () => output('go', ['run', 'main.go', String(local.port), `127.0.0.1:${refused.port}`], dir, { GO111MODULE: 'off' }));
        assert.match(out, new RegExp(`dial tcp 0\\.0\\.0\\.0:${local.port}->127\\.0\\.0\\.1:${refused.port}: connect: connection refused`), out);
        assert.equal(first(out), `127.0.0.1:${refused.port}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a wildcard or a bind/listen/source address is never taken when the text names no other peer', () => {
      assert.equal(extractPeer(['Error: read ECONNRESET on 0.0.0.0:8080'], []).host, null);
      assert.equal(extractPeer(['connection reset by peer (local address 10.0.0.4:51234)'], []).host, null);
      assert.equal(extractPeer(['upstream timed out, listening on [::]:8443'], []).host, null);
      // A client connecting to the wildcard, as Node prints it, is still its peer (strong wording).
      assert.equal(extractPeer(['Error: connect ECONNREFUSED 0.0.0.0:3000'], []).host, '0.0.0.0');
    });

    it("a listener's banner on a neighbouring line is not the target of a failure that names none (python3 http.server, node)", async function () {
      // Real output: CPython's http.server banner, then Node's unhandled reset from another server.
      const banner = await orSkip(this, () => httpServerBanner());
      assert.match(banner, /^Serving HTTP on 127\.0\.0\.1 port \d+ \(http:\/\/127\.0\.0\.1:\d+\/\) \.\.\./);
      const reset = await lateReset();
      try {
        const node = await output(process.execPath, ['-e', `require('net').connect(${reset.port}, '127.0.0.1').on('data', () => {})`]);
        assert.match(node, /Error: read ECONNRESET/);
        const [inc] = detectText(`${banner.trim()}\n${node}`);
        assert.ok(inc, node);
        assert.equal(inc.category, 'reset');
        assert.equal(inc.host, null, 'the banner names the listener, not the peer that reset');
        assert.equal(inc.syscall, 'read');
      } finally {
        await reset.close();
      }
    });

    it('an informational log line beside the failure is read only for a statement about a connection', () => {
      assert.equal(extractPeer(['Error: read ECONNRESET'], ['2024-05-01 10:00:00 INFO Uvicorn running on http://0.0.0.0:8000']).host, null);
      assert.equal(extractPeer(['Error: read ECONNRESET'], ['INFO  cache configured at redis://cache.internal:6379/0']).host, null);
      // A stack frame, a cause or the tool's second line is the same record and counts.
      assert.equal(extractPeer(['Error: read ECONNRESET'], ['    at fetch (https://api.example.com/x)']).host, 'api.example.com');
    });
  });
});

/** CPython http.server's first line on loopback (the server is stopped once it has printed it). */
function httpServerBanner(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-u', '-m', 'http.server', '--bind', '127.0.0.1', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`no banner from http.server: ${text}`));
    }, 20_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject((e as NodeJS.ErrnoException).code === 'ENOENT' ? new Error('python3 is not installed') : e);
    });
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString('utf8');
      if (text.includes('\n')) {
        clearTimeout(timer);
        child.kill();
        resolve(text);
      }
    });
  });
}

function lateReset(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer((s) => {
    s.on('error', () => undefined);
    setTimeout(() => s.resetAndDestroy(), 100);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ port: typeof a === 'object' && a ? a.port : 0, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

const GO_BOUND_DIAL = `package main

import (
	"fmt"
	"net"
	"os"
	"strconv"
)

func main() {
	port, _ := strconv.Atoi(os.Args[1])
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4zero, Port: port}}
	_, err := d.Dial("tcp", os.Args[2])
	fmt.Println(err)
}
`;
