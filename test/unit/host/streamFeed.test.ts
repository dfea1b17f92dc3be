import * as assert from 'node:assert/strict';
import type { Incident } from '../../../src/core/types';
import { SLICE_CHARS, StreamFeed } from '../../../src/host/model/streamFeed';
import type { ChunkDetector } from '../../../src/host/model/streamFeed';
import { incident } from './fixtures';

/** Records what it is fed; reports one incident per "FAIL" it sees at a line start. */
class Recorder implements ChunkDetector {
  chunks: string[] = [];
  buffered = '';
  ended = 0;
  write(chunk: string): Incident[] {
    this.chunks.push(chunk);
    this.buffered += chunk;
    const lines = this.buffered.split('\n');
    this.buffered = lines.pop() ?? '';
    return lines.filter((l) => l.startsWith('FAIL')).map((l) => incident({ text: l, key: l }));
  }
  end(): Incident[] {
    this.ended++;
    const last = this.buffered;
    this.buffered = '';
    return last.startsWith('FAIL') ? [incident({ text: last, key: last })] : [];
  }
}

describe('stream feed', () => {
  it('feeds everything in order and flushes the last partial line on end', async () => {
    const d = new Recorder();
    const seen: string[] = [];
    const feed = new StreamFeed(d, (i) => seen.push(i.text));
    feed.push('ok\nFAIL 1\nFA');
    feed.push('IL 2\nFAIL 3');
    await feed.end();
    assert.deepEqual(seen, ['FAIL 1', 'FAIL 2', 'FAIL 3']);
    assert.equal(d.ended, 1);
    feed.push('FAIL 4\n');
    await feed.idle();
    assert.deepEqual(seen.length, 3, 'nothing is scanned after end');
  });

  it('cuts big chunks into slices and yields between them', async () => {
    const d = new Recorder();
    const feed = new StreamFeed(d, () => undefined);
    feed.push('x'.repeat(SLICE_CHARS * 3 + 5));
    let ranBetween = false;
    setImmediate(() => (ranBetween = true));
    await feed.idle();
    assert.equal(d.chunks.length, 4);
    assert.ok(ranBetween, 'the event loop ran while the feed was scanning');
  });

  it('drops what does not fit in its queue instead of growing', async () => {
    const d = new Recorder();
    const feed = new StreamFeed(d, () => undefined, 100);
    // The first chunk is taken at once; the second waits in the queue; the third does not fit.
    feed.push('a'.repeat(60));
    feed.push('b'.repeat(60));
    feed.push('c'.repeat(60));
    await feed.idle();
    assert.equal(feed.dropped, 60);
    assert.equal(d.chunks.join(''), 'a'.repeat(60) + 'b'.repeat(60));
  });

  it('scans a single chunk larger than its queue bound when nothing else waits', async () => {
    const d = new Recorder();
    const feed = new StreamFeed(d, () => undefined, 100);
    feed.push('z'.repeat(250));
    await feed.idle();
    assert.equal(feed.dropped, 0);
    assert.equal(d.chunks.join(''), 'z'.repeat(250));
  });

  it('turns the detector\'s cumulative counts into increments', async () => {
    let count = 0;
    const counting: ChunkDetector = {
      write: () => [incident({ count: ++count })],
      end: () => [incident({ count })],
    };
    const got: number[] = [];
    const feed = new StreamFeed(counting, (i) => got.push(i.count));
    feed.push('a');
    feed.push('b');
    await feed.idle();
    feed.push('c');
    await feed.end();
    assert.deepEqual(got, [1, 1, 1]);
  });

  it('survives a throwing consumer', async () => {
    const feed = new StreamFeed(new Recorder(), () => {
      throw new Error('boom');
    });
    feed.push('FAIL\nFAIL\n');
    await feed.end();
  });
});
