import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { bundledMatcher } from '../../../src/core/detect/matcher';
import { StreamDetector } from '../../../src/core/detect/stream';
import { visibleBytes, visibleText } from '../../../src/core/detect/visibleText';
import type { Incident } from '../../../src/core/types';
import { loadCorpus } from './corpusLoader';

const encoder = new TextEncoder();

/** A terminal-like log: corpus failures between ordinary coloured lines, progress bars and OSC 633 markers. */
function buildLog(): string {
  const positives = loadCorpus().filter((s) => s.category !== 'none').slice(0, 40);
  const parts: string[] = ['\x1b]633;A\x07$ npm test\r\n', '\x1b[32m✓\x1b[39m renders — ünïcödé 日本語 ✓\n'];
  positives.forEach((s, i) => {
    parts.push(`\rDownloading ${i}%\rDownloading ${i + 1}%\r\x1b[2Kstep ${i} done\r\n`);
    parts.push(`${i % 2 === 0 ? '\x1b[31m' : ''}${s.text.replace(/\n/g, i % 3 === 0 ? '\r\n' : '\n')}${i % 2 === 0 ? '\x1b[0m' : ''}\n`);
    parts.push('\x1b]633;D;1\x1b\\plain line between failures\n'.repeat(8));
  });
  return parts.join('');
}

function detectInChunks(bytes: Uint8Array, cuts: number[]): Incident[] {
  const detector = new StreamDetector({ now: () => 0 });
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    detector.write(bytes.subarray(from, cut));
    from = cut;
  }
  detector.write(bytes.subarray(from));
  detector.end();
  return detector.snapshot();
}

describe('detect: streaming', () => {
  const log = buildLog();
  const bytes = encoder.encode(log);
  const whole = detectInChunks(bytes, []);

  it('finds the failures of the log in one piece', () => {
    assert.ok(whole.length >= 15, `only ${whole.length} incidents`);
    assert.ok(whole.some((i) => i.category === 'refused' && i.host === '127.0.0.1' && i.port === 5432));
  });

  it('gives identical incidents however the bytes are split (inside escapes and UTF-8 too)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 60 }), (cuts) => {
        assert.deepEqual(detectInChunks(bytes, cuts), whole);
      }),
      { numRuns: 60 },
    );
  });

  it('gives identical incidents one byte at a time', () => {
    const cuts = Array.from({ length: Math.min(bytes.length - 1, 6000) }, (_, i) => i + 1);
    assert.deepEqual(detectInChunks(bytes, cuts), whole);
  });

  it('gives identical incidents for string chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: log.length - 1 }), { maxLength: 30 }), (cuts) => {
        const detector = new StreamDetector({ now: () => 0 });
        let from = 0;
        for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
          detector.write(log.slice(from, cut));
          from = cut;
        }
        detector.write(log.slice(from));
        detector.end();
        assert.deepEqual(detector.snapshot(), whole);
      }),
      { numRuns: 30 },
    );
  });

  it('gives identical incidents when the caller reuses one buffer for every chunk', () => {
    // A file or pipe reader fills the same buffer again: nothing kept between writes may alias it.
    const buffer = new Uint8Array(4096);
    for (const size of [7, 100, 4096]) {
      const detector = new StreamDetector({ now: () => 0 });
      for (let from = 0; from < bytes.length; from += size) {
        const piece = bytes.subarray(from, Math.min(bytes.length, from + size));
        buffer.set(piece);
        detector.write(buffer.subarray(0, piece.length));
        buffer.fill(0x41);
      }
      detector.end();
      assert.deepEqual(detector.snapshot(), whole, `chunks of ${size}`);
    }
  });

  it('keeps only what a terminal shows after a bare carriage return', () => {
    const d = new StreamDetector();
    const old = 'curl: (7) Failed to connect to old port 1: Connection refused';
    d.write(`${old}\r${'progress 100%'.padEnd(old.length, ' ')}\n`);
    assert.deepEqual(d.end(), []);
  });

  it('strips CSI and OSC (BEL and ST terminated) before matching', () => {
    const d = new StreamDetector();
    d.write('\x1b]633;E;curl x\x07\x1b[1;31mError: connect \x1b[0mECONNREFUSED 10.1.2.3:8080\x1b]8;;http://a\x1b\\\n');
    const [incident] = d.end();
    assert.equal(incident.text, 'Error: connect ECONNREFUSED 10.1.2.3:8080');
    assert.equal(incident.host, '10.1.2.3');
  });

  it('bounds an endless line', () => {
    const d = new StreamDetector({ maxLineLength: 1000 });
    for (let i = 0; i < 200; i++) d.write('x'.repeat(10_000));
    d.write(' Error: connect ECONNREFUSED 127.0.0.1:1\n');
    const [incident] = d.end();
    assert.equal(incident?.category, 'refused');
    assert.ok(incident.text.length <= 1000);
  });

  it('finds a failure at the start of a line longer than 64 KB, as well as one at its end', () => {
    const filler = '.'.repeat(300_000);
    const atStart = `Error: connect ECONNREFUSED 127.0.0.1:5432 ${filler}\nok\n`;
    const atEnd = `${filler} Error: read ECONNRESET\nok\n`;
    const escaped = `curl: (7) Failed to connect to 10.0.0.9 port 80: Connection \x1b[1mrefused\x1b[0m ${filler}\n`;
    for (const [text, category] of [[atStart, 'refused'], [atEnd, 'reset'], [escaped, 'refused']] as const) {
      const bytes = encoder.encode(text);
      const whole = detectInChunks(bytes, []);
      assert.deepEqual(whole.map((i) => [i.line, i.category]), [[1, category]]);
      assert.ok(whole[0].text.length <= 16384);
      // Chunks cut the line anywhere, 64 KB at a time as a file reader does: the same incident.
      const cuts = Array.from({ length: Math.floor(bytes.length / 65536) }, (_, i) => (i + 1) * 65536);
      assert.deepEqual(detectInChunks(bytes, cuts), whole);
      assert.deepEqual(detectInChunks(bytes, [1, 7, 100_000, 100_001, bytes.length - 3]), whole);
    }
  });

  it('reports the right line numbers', () => {
    const d = new StreamDetector();
    d.write('one\r\ntwo\n\nError: getaddrinfo ENOTFOUND db.internal\n    at GetAddrInfoReqWrap.onlookup\n');
    const [incident] = d.end();
    assert.equal(incident.line, 4);
    assert.equal(incident.host, 'db.internal');
  });
});

/** Detects in one text, then again fed one byte at a time. */
function detectBoth(text: string): { whole: Incident[]; bytewise: Incident[] } {
  const bytes = encoder.encode(text);
  return { whole: detectInChunks(bytes, []), bytewise: detectInChunks(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1)) };
}

describe('detect: keywords split by escape sequences', () => {
  // Each line's only keyword is interrupted in the raw bytes; the terminal shows it whole.
  const cases: { name: string; line: string; text: string; category: string }[] = [
    { name: 'SGR inside ECONNREFUSED', line: 'Error: connect \x1b[31mECONN\x1b[0mREFUSED 127.0.0.1:5432', text: 'Error: connect ECONNREFUSED 127.0.0.1:5432', category: 'refused' },
    { name: 'bold on a phrase', line: 'psql: error: could not connect to server: Connection \x1b[1mrefused\x1b[0m', text: 'psql: error: could not connect to server: Connection refused', category: 'refused' },
    { name: 'OSC 633 (BEL) mid-word', line: 'Error: read ECONN\x1b]633;P;Cwd=/home/dev\x07RESET', text: 'Error: read ECONNRESET', category: 'reset' },
    { name: 'OSC 8 (ST) mid-word', line: 'Error: getaddrinfo ENOT\x1b]8;;https://x.test\x1b\\FOUND db.internal', text: 'Error: getaddrinfo ENOTFOUND db.internal', category: 'dns' },
    { name: 'several runs, one letter apart', line: 'Error: connect E\x1b[1mT\x1b[0m\x1b[2mI\x1b[22mMEDOUT 10.0.0.7:443', text: 'Error: connect ETIMEDOUT 10.0.0.7:443', category: 'timeout' },
    { name: 'after a progress bar', line: '50%\r\x1b[2KError: connect ECONN\x1b[0mREFUSED 127.0.0.1:6379', text: 'Error: connect ECONNREFUSED 127.0.0.1:6379', category: 'refused' },
  ];
  for (const c of cases) {
    it(`finds a keyword split by an escape: ${c.name} (whole and byte by byte)`, () => {
      const { whole, bytewise } = detectBoth(`npm run start\n${c.line}\n`);
      assert.equal(whole.length, 1, JSON.stringify(whole));
      assert.equal(whole[0].category, c.category);
      assert.equal(whole[0].text, c.text);
      assert.equal(whole[0].line, 2);
      assert.deepEqual(bytewise, whole);
    });
  }

  it('finds a split keyword on a line between ordinary coloured lines, in any chunking', () => {
    const log = [
      '\x1b[32m✓\x1b[39m renders the header \x1b[90m(12 ms)\x1b[39m',
      'webpack compiled \x1b[1m\x1b[32msuccessfully\x1b[39m\x1b[22m in 81 ms',
      '\x1b]633;C\x07> app@1.0.0 start',
      'Error: connect \x1b[31mECONN\x1b[0mREFUSED 127.0.0.1:5432',
      '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)',
      '\x1b[33mwarning\x1b[39m  Unexpected any',
    ].join('\n');
    const bytes = encoder.encode(`${log}\n`);
    const whole = detectInChunks(bytes, []);
    assert.equal(whole.length, 1);
    assert.equal(whole[0].host, '127.0.0.1');
    assert.equal(whole[0].port, 5432);
    assert.equal(whole[0].line, 4);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 20 }), (cuts) => {
        assert.deepEqual(detectInChunks(bytes, cuts), whole);
      }),
      { numRuns: 100 },
    );
  });

  // Single-line failures from the corpus, as a terminal prints them without colour.
  const matcher = bundledMatcher();
  const failureLines = [...new Set(loadCorpus().filter((s) => s.category !== 'none').map((s) => s.text.split('\n')[0]))]
    .filter((line) => [...line].every((ch) => ch >= ' ' && ch <= '~') && matcher.matchLine(line) !== null)
    .filter((line) => detectInChunks(encoder.encode(`${line}\n`), []).length === 1);
  /** Printable ASCII only: a payload must not end its own sequence early. */
  const printable = (text: string): string => [...text].filter((ch) => ch >= ' ' && ch <= '~').join('');
  const escape = fc.oneof(
    fc.integer({ min: 0, max: 107 }).map((n) => `\x1b[${n}m`),
    fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })).map(([a, b]) => `\x1b[38;5;${a};48;5;${b}m`),
    fc.constantFrom('\x1b[0m', '\x1b[1m', '\x1b[22m', '\x1b[39m', '\x1b[K', '\x1b[?25l'),
    fc.string({ maxLength: 12 }).map((s) => `\x1b]633;E;${printable(s)}\x07`),
    fc.string({ maxLength: 12 }).map((s) => `\x1b]8;;${printable(s)}\x1b\\`),
  );

  it('has enough single-line failures to insert escapes into', () => {
    assert.ok(failureLines.length >= 40, `only ${failureLines.length}`);
  });

  it('gives the clean line\'s incident whatever escapes are inserted wherever (and however the bytes are split)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...failureLines),
        fc.array(fc.tuple(fc.nat(), escape), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (line, inserts, cutSeeds) => {
          // Escapes go between characters of the clean line (several at one place run together).
          const placed = inserts.map(([at, seq]) => ({ at: at % (line.length + 1), seq })).sort((a, b) => a.at - b.at);
          let dirty = '';
          let from = 0;
          for (const { at, seq } of placed) {
            dirty += line.slice(from, at) + seq;
            from = at;
          }
          dirty += line.slice(from);
          const clean = detectInChunks(encoder.encode(`${line}\n`), []);
          const bytes = encoder.encode(`${dirty}\n`);
          const cuts = cutSeeds.map((c) => 1 + (c % (bytes.length - 1)));
          assert.deepEqual(detectInChunks(bytes, []), clean, JSON.stringify(dirty));
          assert.deepEqual(detectInChunks(bytes, cuts), clean, JSON.stringify(dirty));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads the visible bytes of a raw line exactly as visibleText reads its text', () => {
    const piece = fc.oneof(
      fc.constantFrom('\x1b[', '\x1b]', '\x1bP', '\x1b(', '\x1b', '\x07', '\x1b\\', '\r', 'm', ';', '0', '31', 'ECONN', 'REFUSED', ' ', 'ü', '日本', '😀', '\x1bé'),
      fc.string({ maxLength: 6 }).map((s) => s.replace(/\n/g, '')),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (parts) => {
        const line = parts.join('');
        const raw = encoder.encode(line);
        const out = new Uint8Array(raw.length);
        const n = visibleBytes(raw, 0, raw.length, out);
        assert.equal(new TextDecoder().decode(out.subarray(0, n)), visibleText(new TextDecoder().decode(raw), Infinity), JSON.stringify(line));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('detect: byte prefilter', () => {
  const matcher = bundledMatcher();
  const keywords = matcher.rules.flatMap((r) => r.keywords);

  /** Runs the prefilter over `line` placed at every alignment, as the only line of a region. */
  function admittedAtEveryOffset(line: string): boolean {
    for (let pad = 0; pad < 8; pad++) {
      const data = Buffer.from(`${'.'.repeat(pad)}\n${line}\n`, 'utf8');
      if (matcher.byteFilter.find(data, pad + 1, data.length) === -1) return false;
    }
    return true;
  }

  /** The reference the prefilter stands for: the line contains a keyword, ignoring ASCII case. */
  function containsKeyword(line: string): boolean {
    const folded = fold(line);
    return keywords.some((k) => folded.includes(fold(k.toLowerCase())));
  }

  it('admits every corpus line that a rule matches, at every byte alignment', () => {
    const missed: string[] = [];
    let matched = 0;
    for (const sample of loadCorpus()) {
      for (const raw of sample.text.split('\n')) {
        if (matcher.matchLine(visibleText(raw, 16384)) === null) continue;
        matched++;
        if (!admittedAtEveryOffset(raw)) missed.push(`${sample.id}: ${raw}`);
      }
    }
    assert.ok(matched >= 300, `only ${matched} matching lines`);
    assert.deepEqual(missed, []);
  });

  it('admits exactly the lines that contain a keyword in any ASCII case (random lines)', () => {
    const pieces = fc.oneof(
      fc.constantFrom(...keywords),
      fc.constantFrom(...keywords).map((k) => k.toUpperCase()),
      fc.constantFrom(...keywords).map((k) => k.slice(0, Math.ceil(k.length / 2))),
      fc.constantFrom(...keywords).map((k) => k.slice(1)),
      fc.string({ maxLength: 12 }).map((s) => s.replace(/\n/g, ' ')),
      fc.constantFrom('server ', 'connected ', 'empty ', 'download ', ' \x1b[31m', '\r', 'ü日本'),
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 8 }), (parts) => {
        const line = parts.join('');
        assert.equal(admittedAtEveryOffset(line), containsKeyword(line), JSON.stringify(line));
      }),
      { numRuns: 400 },
    );
  });

  it('passes ordinary output and the hard negatives without keywords', () => {
    const ordinary = [
      'webpack compiled successfully in 812 ms; asset main.js 245 KiB [emitted]',
      'INFO  Tomcat started on port(s): 8080 (http) with context path \'\'',
      'added 120 packages, and audited 121 packages in 3s',
      '  ✓ handles an empty list (4 ms)',
      ...loadCorpus().filter((s) => s.category === 'none').flatMap((s) => s.text.split('\n')).filter((l) => !containsKeyword(l)),
    ];
    const admitted = ordinary.filter((line) => matcher.byteFilter.find(Buffer.from(`${line}\n`), 0, Buffer.byteLength(line) + 1) !== -1);
    assert.deepEqual(admitted, []);
  });
});

function fold(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => String.fromCharCode(b | 0x20)).join('');
}
