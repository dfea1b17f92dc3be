import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { detectText } from '../../../src/core/detect/detect';
import { StreamDetector } from '../../../src/core/detect/stream';
import type { Incident } from '../../../src/core/types';
import { MAX_OCCURRENCES } from '../../../src/core/types';

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** What a real python3 prints on stderr for a script. */
function python(script: string, port: number): string {
  const r = spawnSync('python3', ['-c', script, String(port)], { encoding: 'utf8' });
  if (r.error !== undefined) {
    if (process.env.CI === 'true') throw new Error(`python3 is required in CI (.ci/run installs it): ${r.error.message}`);
    return '';
  }
  return r.stderr;
}

const where = (found: Incident[]): [number, number, string][] => found.map((i) => [i.line, i.endLine, i.category]);

describe('detect: scan contract', () => {
  describe('occurrences', () => {
    it('lists the position of every repeat it folds', () => {
      const text = ['[10:00] Error: connect ECONNREFUSED 127.0.0.1:5432', '    at TCPConnectWrap.afterConnect', 'retrying', '[10:05] Error: connect ECONNREFUSED 127.0.0.1:5432', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', '[10:09] Error: connect ECONNREFUSED 127.0.0.1:5432', '    at TCPConnectWrap.afterConnect'].join('\n');
      const [incident, ...rest] = detectText(text);
      assert.deepEqual(rest, []);
      assert.equal(incident.count, 3);
      assert.deepEqual(incident.occurrences, [{ line: 1, endLine: 2 }, { line: 4, endLine: 4 }, { line: 12, endLine: 13 }]);
    });

    it('caps the list and goes on counting', () => {
      const n = MAX_OCCURRENCES + 50;
      const [incident] = detectText(Array.from({ length: n }, () => 'curl: (52) Empty reply from server').join('\n'));
      assert.equal(incident.count, n);
      assert.equal(incident.occurrences?.length, MAX_OCCURRENCES);
      assert.deepEqual(incident.occurrences?.[MAX_OCCURRENCES - 1], { line: MAX_OCCURRENCES, endLine: MAX_OCCURRENCES });
    });
  });

  describe('a range stays in its log record', () => {
    it('ends at a new timestamp: two days of a log are two incidents', () => {
      const text = [
        '2024-12-01 23:59:58 ERROR read ECONNRESET',
        '2024-12-01 23:59:59 INFO  retrying in 5 s',
        '2024-12-02 00:00:04 ERROR socket hang up (ECONNRESET)',
      ].join('\n');
      assert.deepEqual(where(detectText(text)), [[1, 1, 'reset'], [3, 3, 'closed']]);
    });

    it('ends at a syslog timestamp and at a shell prompt', () => {
      const syslog = ['Dec  1 23:59:58 web app[311]: upstream read ECONNRESET', 'Dec  2 00:00:02 web app[311]: read ECONNRESET again'].join('\n');
      assert.deepEqual(detectText(syslog).flatMap((i) => i.occurrences), [{ line: 1, endLine: 1 }, { line: 2, endLine: 2 }]);
      const prompt = ['Error: read ECONNRESET', '$ npm run deploy', 'npm ERR! code ECONNRESET'].join('\n');
      for (const i of detectText(prompt)) assert.ok(i.endLine < 2 || i.line > 2, `range ${i.line}-${i.endLine} crosses the prompt`);
    });

    it('still joins a chain whose every line is stamped (CI and container logs)', () => {
      const text = [
        '2024-12-01T10:00:00.0000001Z java.net.SocketTimeoutException: Read timed out',
        '2024-12-01T10:00:00.0000002Z \tat java.base/java.net.SocketInputStream.socketRead0(Native Method)',
        '2024-12-01T10:00:00.0000003Z Caused by: java.net.SocketException: Connection reset',
        '2024-12-01T10:00:00.0000004Z \tat java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:328)',
        '2024-12-01T10:00:01.0000000Z Done in 3 s',
      ].join('\n');
      assert.deepEqual(where(detectText(text)), [[1, 4, 'timeout']]);
    });
  });

  describe('one chain, one incident', () => {
    it("Java `Caused by:` with a long trace between the links (real JVM output)", () => {
      // Recorded from `java Chain.java PORT` (fixtures/Chain.java, OpenJDK 17) against a closed loopback port.
      const text = readFileSync(join(__dirname, 'fixtures', 'java-caused-by-chain.txt'), 'utf8');
      const found = detectText(text);
      assert.equal(found.length, 1, JSON.stringify(where(found)));
      assert.deepEqual([found[0].line, found[0].endLine, found[0].category, found[0].host], [1, text.trimEnd().split('\n').length, 'refused', '127.0.0.1']);
    });

    it('Python "During handling of the above exception" (real python3, urllib)', async function () {
      this.timeout(20_000);
      const port = await closedPort();
      const err = python("import sys, urllib.request\nurllib.request.urlopen(f'http://127.0.0.1:{sys.argv[1]}/health', timeout=5)", port);
      if (err === '') this.skip();
      assert.match(err, /During handling of the above exception/);
      const found = detectText(err);
      assert.equal(found.length, 1, JSON.stringify(where(found)));
      assert.equal(found[0].category, 'refused');
      assert.equal(found[0].endLine, err.trimEnd().split('\n').length);
    });

    it('Python "The above exception was the direct cause" (real python3, raise from)', async function () {
      this.timeout(20_000);
      const port = await closedPort();
      const script = [
        'import socket, sys',
        'def fetch(port, depth):',
        '    if depth:',
        '        return fetch(port, depth - 1)',
        '    socket.create_connection(("127.0.0.1", port), timeout=5)',
        'try:',
        '    fetch(int(sys.argv[1]), 30)',
        'except OSError as e:',
        '    raise ConnectionError(f"Failed to establish a new connection: [Errno {e.errno}] Connection refused") from e',
      ].join('\n');
      const err = python(script, port);
      if (err === '') this.skip();
      assert.match(err, /The above exception was the direct cause/);
      const found = detectText(err);
      assert.equal(found.length, 1, JSON.stringify(where(found)));
      assert.equal(found[0].category, 'refused');
    });

    it('chunking does not change a chain', () => {
      const text = readFileSync(join(__dirname, 'fixtures', 'java-caused-by-chain.txt'), 'utf8');
      const d = new StreamDetector({ now: () => 0, foldWindowMs: Infinity });
      for (let i = 0; i < text.length; i += 97) d.write(text.slice(i, i + 97));
      d.end();
      assert.deepEqual(d.snapshot(), detectText(text));
    });
  });
});
