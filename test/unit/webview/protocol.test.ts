import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  FROM_INCIDENTS,
  FROM_PANEL,
  validateMessage,
  INCIDENTS_MESSAGE_TYPES,
  MAX_COPY_CHARS,
  MAX_ID_CHARS,
  MAX_REMOVE_IDS,
  PANEL_MESSAGE_TYPES,
  isFromIncidents,
  isFromPanel,
  targetKeyOf,
  validateFromWebview,
} from '../../../src/shared/protocol';
import type { FromWebview } from '../../../src/shared/protocol';

describe('webview protocol validation', () => {
  it('accepts every well-formed message and returns only its declared fields', () => {
    const good: FromWebview[] = [
      { type: 'ready' },
      { type: 'rerun' },
      { type: 'cancel' },
      { type: 'copyReport' },
      { type: 'openMarkdown' },
      { type: 'copyText', text: 'nc -vz 127.0.0.1 5432' },
      { type: 'copyCommand', causeId: 'no-listener', index: 0 },
      { type: 'runInTerminal', causeId: 'no-listener', index: 3 },
      { type: 'diagnose', id: 'i-1' },
      { type: 'mute', targetKey: '127.0.0.1:5432' },
      { type: 'remove', ids: ['a', 'b'] },
      { type: 'clear' },
    ];
    for (const msg of good) {
      assert.deepEqual(validateFromWebview({ ...msg, extra: '<script>' }), msg);
    }
  });

  it('rejects values that are not messages', () => {
    for (const bad of [null, undefined, 0, 'ready', [], [{ type: 'ready' }], {}, { type: 5 }, { type: 'READY' }, { type: 'eval', code: '1' }, { type: '__proto__' }, { type: 'toString' }]) {
      assert.equal(validateFromWebview(bad), null, JSON.stringify(bad));
    }
  });

  it('rejects messages with missing, mistyped, empty or oversized fields', () => {
    const bad: unknown[] = [
      { type: 'copyText' },
      { type: 'copyText', text: '' },
      { type: 'copyText', text: 42 },
      { type: 'copyText', text: 'x'.repeat(MAX_COPY_CHARS + 1) },
      { type: 'runInTerminal', index: 0 },
      { type: 'runInTerminal', causeId: 'c' },
      { type: 'runInTerminal', causeId: 'c', index: '0' },
      { type: 'runInTerminal', causeId: 'c', index: -1 },
      { type: 'runInTerminal', causeId: 'c', index: 1.5 },
      { type: 'runInTerminal', causeId: 'c', index: 1000 },
      { type: 'copyCommand', causeId: 'c', command: 'rm -rf ~' },
      { type: 'diagnose' },
      { type: 'diagnose', id: { toString: () => 'i' } },
      { type: 'diagnose', id: 'x'.repeat(MAX_ID_CHARS + 1) },
      { type: 'mute', targetKey: null },
      { type: 'remove', ids: 'a' },
      { type: 'remove', ids: [] },
      { type: 'remove', ids: ['a', 3] },
      { type: 'remove', ids: ['a', ''] },
      { type: 'remove', ids: Array.from({ length: MAX_REMOVE_IDS + 1 }, (_, i) => `i${i}`) },
    ];
    for (const msg of bad) assert.equal(validateFromWebview(msg), null, JSON.stringify(msg).slice(0, 120));
  });

  it('never throws and never returns an unknown type, whatever arrives', () => {
    const known = new Set<string>([...PANEL_MESSAGE_TYPES, ...INCIDENTS_MESSAGE_TYPES]);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record({ type: fc.constantFrom(...known, 'x'), text: fc.anything(), id: fc.anything(), ids: fc.anything(), causeId: fc.anything(), command: fc.anything(), targetKey: fc.anything() }, { requiredKeys: ['type'] }),
        ),
        (value) => {
          const msg = validateFromWebview(value);
          if (msg !== null) {
            assert.ok(known.has(msg.type));
            // The result is a fresh object built from checked fields only.
            assert.notEqual(msg, value);
            for (const v of Object.values(msg)) assert.ok(typeof v === 'string' || Array.isArray(v));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('tells panel messages from side-view messages', () => {
    assert.ok(isFromPanel({ type: 'runInTerminal', causeId: 'c', index: 0 }));
    assert.ok(!isFromIncidents({ type: 'runInTerminal', causeId: 'c', index: 0 }));
    assert.ok(isFromIncidents({ type: 'clear' }));
    assert.ok(!isFromPanel({ type: 'clear' }));
    assert.ok(isFromPanel({ type: 'ready' }) && isFromIncidents({ type: 'ready' }));
  });

  it('keys targets as host:port', () => {
    assert.equal(targetKeyOf('127.0.0.1', 5432), '127.0.0.1:5432');
    assert.equal(targetKeyOf(null, null), '?:?');
  });

  it('each page accepts only the messages its own map declares, with only the declared fields', () => {
    assert.equal(validateMessage(FROM_PANEL, { type: 'clear' }), null);
    assert.equal(validateMessage(FROM_INCIDENTS, { type: 'runInTerminal', causeId: 'c', index: 0 }), null);
    assert.deepEqual(validateMessage(FROM_PANEL, { type: 'copyCommand', causeId: 'c', index: 2, text: 'rm -rf /' }), { type: 'copyCommand', causeId: 'c', index: 2 });
    assert.deepEqual(validateMessage(FROM_INCIDENTS, { type: 'remove', ids: ['a', 'b'] }), { type: 'remove', ids: ['a', 'b'] });
    for (const type of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      assert.equal(validateMessage(FROM_PANEL, { type }), null, type);
      assert.equal(validateMessage(FROM_INCIDENTS, { type }), null, type);
    }
  });
});
