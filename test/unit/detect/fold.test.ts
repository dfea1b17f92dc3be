import { strict as assert } from 'node:assert';
import { StreamDetector } from '../../../src/core/detect/stream';
import { detectAtLine, detectText } from '../../../src/core/detect/detect';

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
});
