import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { StreamDetector } from '../../../src/core/detect/stream';
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

  it('keeps only what a terminal shows after a bare carriage return', () => {
    const d = new StreamDetector();
    d.write('curl: (7) Failed to connect to old port 1: Connection refused\rprogress 100%\n');
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

  it('reports the right line numbers', () => {
    const d = new StreamDetector();
    d.write('one\r\ntwo\n\nError: getaddrinfo ENOTFOUND db.internal\n    at GetAddrInfoReqWrap.onlookup\n');
    const [incident] = d.end();
    assert.equal(incident.line, 4);
    assert.equal(incident.host, 'db.internal');
  });
});
