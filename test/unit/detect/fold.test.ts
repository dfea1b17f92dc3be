import { strict as assert } from 'node:assert';
import { StreamDetector } from '../../../src/core/detect/stream';
import { HOVER_LINE_CHARS, detectAtLine, detectText } from '../../../src/core/detect/detect';
import type { Incident } from '../../../src/core/types';

/** The fields a user reads, per incident. */
function summary(found: Incident[]): { line: number; endLine: number; category: string; also: string[]; host: string | null; port: number | null }[] {
  return found.map((i) => ({ line: i.line, endLine: i.endLine, category: i.category, also: [...i.also].sort(), host: i.host, port: i.port }));
}

/** Incidents of a text fed one byte at a time. */
function detectByteByByte(text: string): Incident[] {
  const d = new StreamDetector({ now: () => 0, foldWindowMs: Infinity });
  for (const byte of new TextEncoder().encode(text)) d.write(new Uint8Array([byte]));
  d.end();
  return d.snapshot();
}

describe('detect: folding', () => {
  it('folds a retry loop into one incident with count and first/last seen', () => {
    let clock = 1000;
    const d = new StreamDetector({ now: () => clock });
    const first = d.write('[10:00:01] Error: connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect\n');
    assert.deepEqual(first, []);
    for (let i = 2; i <= 5; i++) {
      clock += 1000;
      d.write(`[10:00:0${i}] Error: connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect\n`);
    }
    const changed = d.end();
    const all = d.snapshot();
    assert.equal(all.length, 1);
    assert.equal(all[0].count, 5);
    assert.equal(all[0].firstSeen, 1000);
    assert.equal(all[0].lastSeen, clock);
    assert.equal(all[0].line, 1);
    assert.equal(changed.length, 1);
  });

  it('returns an incident again only when its count changes', () => {
    const d = new StreamDetector({ contextLines: 0 });
    assert.equal(d.write('Error: read ECONNRESET\n').length, 1);
    assert.equal(d.write('all good\n').length, 0);
    const again = d.write('Error: read ECONNRESET\n');
    assert.equal(again.length, 1);
    assert.equal(again[0].count, 2);
  });

  it('keeps different peers apart', () => {
    const found = detectText('Error: connect ECONNREFUSED 127.0.0.1:5432\nError: connect ECONNREFUSED 127.0.0.1:6379\n');
    assert.deepEqual(found.map((i) => i.port), [5432, 6379]);
  });

  it('starts a new incident after the fold window', () => {
    let clock = 0;
    const d = new StreamDetector({ now: () => clock, foldWindowMs: 100, contextLines: 0 });
    d.write('curl: (52) Empty reply from server\n');
    clock = 1000;
    const [again] = d.write('curl: (52) Empty reply from server\n');
    assert.equal(again.count, 1);
    assert.equal(again.firstSeen, 1000);
  });

  it('remembers at most maxIncidents', () => {
    const d = new StreamDetector({ maxIncidents: 3, contextLines: 0 });
    for (let i = 1; i <= 10; i++) d.write(`Error: connect ECONNREFUSED 10.0.0.${i}:80\n`);
    d.end();
    assert.deepEqual(d.snapshot().map((i) => i.host), ['10.0.0.8', '10.0.0.9', '10.0.0.10']);
  });

  it('closes each incident once: for room, past the fold horizon, and the rest at the end in line order', () => {
    const closed: [string | null, number, number][] = [];
    const d = new StreamDetector({ maxIncidents: 2, foldLines: 5, contextLines: 0, foldWindowMs: Infinity, onClose: (i) => closed.push([i.host, i.line, i.count]) });
    d.write('Error: connect ECONNREFUSED 10.0.0.1:80\nError: connect ECONNREFUSED 10.0.0.2:80\nError: connect ECONNREFUSED 10.0.0.1:80\n');
    d.write('Error: connect ECONNREFUSED 10.0.0.3:80\n'); // room: 10.0.0.2 is the least recently seen
    assert.deepEqual(closed, [['10.0.0.2', 2, 1]]);
    d.write('a\nb\nc\nd\ne\nf\ng\n'); // past the horizon of both
    assert.deepEqual(closed.slice(1), [['10.0.0.1', 1, 2], ['10.0.0.3', 4, 1]]);
    d.write('Error: connect ECONNREFUSED 10.0.0.3:80\nError: connect ECONNREFUSED 10.0.0.9:80\n');
    assert.deepEqual(d.snapshot().map((i) => i.host), ['10.0.0.3', '10.0.0.9']);
    d.end();
    assert.deepEqual(closed.slice(3), [['10.0.0.3', 12, 1], ['10.0.0.9', 13, 1]]);
    assert.deepEqual(d.snapshot(), []);
  });

  it('detectAtLine reads only a few lines around the index', () => {
    const read: number[] = [];
    const lines = Array.from({ length: 100_000 }, (_, i) => (i === 50_000 ? 'ssh: connect to host 10.0.2.15 port 22: Connection timed out' : `line ${i}`));
    const incident = detectAtLine((i) => (read.push(i), lines[i]), lines.length, 50_000);
    assert.equal(incident?.category, 'timeout');
    assert.equal(incident?.line, 50_001);
    assert.equal(incident?.port, 22);
    assert.ok(read.length <= 13, `read ${read.length} lines`);
    assert.equal(detectAtLine((i) => lines[i], lines.length, 10), null);
  });

  it('detectAtLine bounds the work on a giant line and still reads its start and its end', () => {
    const filler = 'x'.repeat(48 << 20);
    let lines = ['ok', `Error: connect ECONNREFUSED 127.0.0.1:5432 ${filler}`, 'ok'];
    assert.deepEqual([detectAtLine((i) => lines[i], 3, 1)?.port, detectAtLine((i) => lines[i], 3, 1)?.line], [5432, 2]);
    lines = ['ok', `${filler} curl: (7) Failed to connect to 10.0.0.9 port 8080 after 1 ms: Connection refused`, 'ok'];
    const incident = detectAtLine((i) => lines[i], 3, 1);
    assert.deepEqual([incident?.host, incident?.port], ['10.0.0.9', 8080]);
    assert.ok((incident?.text.length ?? Infinity) <= HOVER_LINE_CHARS);
  });

  describe('separate failures in one stream', () => {
    const npmThenNode = [
      'npm ERR! code ECONNRESET',
      'npm ERR! network aborted',
      'Error: connect ECONNREFUSED 127.0.0.1:5432',
      '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)',
      '',
    ].join('\n');

    it('reports a failure of another kind on the next lines as its own incident', () => {
      const expected = [
        { line: 1, endLine: 2, category: 'reset', also: [], host: null, port: null },
        { line: 3, endLine: 4, category: 'refused', also: [], host: '127.0.0.1', port: 5432 },
      ];
      assert.deepEqual(summary(detectText(npmThenNode)), expected);
      assert.deepEqual(summary(detectByteByByte(npmThenNode)), expected);
    });

    it('does not lend the peer of a later failure to an earlier one without a peer', () => {
      const text = 'ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed\nredis.exceptions.ConnectionError: Error 111 connecting to cache.internal:6379. Connection refused.\n';
      const found = detectText(text);
      assert.deepEqual(found.map((i) => [i.category, i.host, i.port]), [
        ['tls', null, null],
        ['refused', 'cache.internal', 6379],
      ]);
    });

    it('keeps a Java `Caused by:` chain of different kinds together', () => {
      const text = [
        'java.net.SocketTimeoutException: Read timed out',
        '\tat java.base/java.net.SocketInputStream.socketRead0(Native Method)',
        'Caused by: java.net.SocketException: Connection reset',
        '\tat java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:328)',
      ].join('\n');
      const found = detectText(text);
      assert.equal(found.length, 1, JSON.stringify(summary(found)));
      assert.deepEqual([found[0].category, [...found[0].also].sort()], ['timeout', ['reset']]);
    });

    it('keeps a Node `[cause]:` and a Python chained traceback together', () => {
      const node = 'Error: socket hang up\n    at connResetException (node:internal/errors:720:14) {\n  [cause]: Error: read ECONNRESET\n';
      assert.deepEqual(summary(detectText(node)).map((i) => [i.category, i.also]), [['closed', ['reset']]]);
      const python = [
        'ConnectionResetError: [Errno 104] Connection reset by peer',
        '',
        'During handling of the above exception, another exception occurred:',
        '',
        'Traceback (most recent call last):',
        '  File "/usr/lib/python3/dist-packages/urllib3/connectionpool.py", line 600, in urlopen',
        "urllib3.exceptions.ProtocolError: ('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))",
      ].join('\n');
      const found = detectText(python);
      assert.equal(found.length, 1, JSON.stringify(summary(found)));
      assert.ok(found[0].also.length > 0);
    });

    it("keeps the list under a bare `Caused by:` (Rust's anyhow) together", () => {
      const text = [
        'Error: error sending request for url (https://api.example.com/): error trying to connect: invalid peer certificate: UnknownIssuer',
        '',
        'Caused by:',
        '    0: error trying to connect: invalid peer certificate: UnknownIssuer',
        '    1: tcp connect error: Connection reset by peer (os error 104)',
      ].join('\n');
      assert.deepEqual(summary(detectText(text)), [{ line: 1, endLine: 5, category: 'tls', also: ['reset'], host: 'api.example.com', port: 443 }]);
    });

    it('keeps the attempts of a Node AggregateError together', () => {
      const text = [
        'AggregateError: ',
        '    at internalConnectMultiple (node:net:1139:18)',
        "  code: 'ETIMEDOUT',",
        '  [errors]: [',
        '    Error: connect ETIMEDOUT 34.253.228.78:443',
        '    Error: connect ENETUNREACH 2a05:d018:8c4:3201::22f:443 - Local (:::0)',
      ].join('\n');
      assert.deepEqual(summary(detectText(text)), [{ line: 3, endLine: 6, category: 'timeout', also: ['unreachable'], host: '34.253.228.78', port: 443 }]);
    });

    it('reads the peer of a failure past its stack frames', () => {
      const frames = Array.from({ length: 12 }, (_, i) => `\tat com.example.Client.call${i}(Client.java:${i + 10})`);
      const text = ['Caused by: javax.net.ssl.SSLHandshakeException: PKIX path building failed', ...frames, '\t... 30 more', 'ERROR PKIX path building failed executing GET https://api.example.com/v1/items'].join('\n');
      assert.deepEqual(summary(detectText(text)).map((i) => [i.category, i.host, i.port]), [['tls', 'api.example.com', 443]]);
    });
  });
});
