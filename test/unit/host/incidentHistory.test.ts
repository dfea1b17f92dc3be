import * as assert from 'node:assert/strict';
import { IncidentHistory, MAX_MUTED, MAX_TEXT_CHARS, sanitizeStored } from '../../../src/host/model/incidentHistory';
import { incident } from './fixtures';

const origin = { kind: 'terminal' as const, name: 't' };
let n = 0;
const ids = (): string => `i${n++}`;

describe('incident history', () => {
  it('adds newest first and folds repeats of the same key', () => {
    const h = new IncidentHistory(10, ids);
    const a = h.add(incident({ port: 1 }), origin);
    const b = h.add(incident({ port: 2 }), origin);
    assert.ok(a.isNew && b.isNew);
    const again = h.add(incident({ port: 1, count: 3, lastSeen: 5_000 }), { kind: 'debug', name: 'd' });
    assert.equal(again.isNew, false);
    assert.equal(again.stored.id, a.stored.id);
    assert.equal(again.stored.count, 4);
    assert.equal(again.stored.lastSeen, 5_000);
    assert.equal(again.stored.origin.kind, 'debug');
    assert.deepEqual(h.list().map((i) => i.port), [1, 2]);
  });

  it('stays at its bound under a flood, dropping the oldest', () => {
    const h = new IncidentHistory(50, ids);
    for (let p = 1; p <= 100_000; p++) h.add(incident({ port: p }), origin);
    assert.equal(h.size, 50);
    assert.equal(h.latest()?.port, 100_000);
    assert.equal(h.list()[49].port, 99_951);
    // A dropped key is new again.
    assert.equal(h.add(incident({ port: 1 }), origin).isNew, true);
    assert.equal(h.size, 50);
  });

  it('shrinks when the limit is lowered', () => {
    const h = new IncidentHistory(10, ids);
    for (let p = 1; p <= 10; p++) h.add(incident({ port: p }), origin);
    assert.equal(h.setLimit(3), true);
    assert.deepEqual(h.list().map((i) => i.port), [10, 9, 8]);
  });

  it('clips huge failure texts', () => {
    const h = new IncidentHistory(10, ids);
    const { stored } = h.add(incident({ text: 'x'.repeat(1_000_000) }), origin);
    assert.equal(stored.text.length, MAX_TEXT_CHARS);
  });

  it('removes, clears and annotates', () => {
    const h = new IncidentHistory(10, ids);
    const { stored } = h.add(incident(), origin);
    assert.ok(h.annotate(stored.id, { exitCode: 7 }));
    assert.equal(h.get(stored.id)?.origin.exitCode, 7);
    assert.ok(h.remove(stored.id));
    assert.equal(h.add(incident(), origin).isNew, true);
    h.clear();
    assert.equal(h.size, 0);
  });

  it('mutes with a bound and unmutes', () => {
    const h = new IncidentHistory(10, ids);
    assert.ok(h.mute('a:1'));
    assert.ok(h.isMuted('a:1'));
    for (let i = 0; i < MAX_MUTED + 10; i++) h.mute(`m${i}:1`);
    assert.equal(h.mutedTargets().length, MAX_MUTED);
    assert.ok(!h.isMuted('a:1'), 'oldest mute dropped first');
    assert.ok(h.unmute(`m${MAX_MUTED + 9}:1`));
    assert.ok(h.unmuteAll());
    assert.equal(h.mutedTargets().length, 0);
  });

  it('round-trips through JSON and drops malformed entries', () => {
    const h = new IncidentHistory(10, ids);
    h.add(incident({ port: 1 }), origin);
    h.add(incident({ port: 2 }), { kind: 'terminal', name: 's', exitCode: 1, commandLine: 'npm start' });
    h.mute('x:1');
    const json = JSON.parse(JSON.stringify(h.toJSON())) as { incidents: unknown[] };
    json.incidents.push({ id: 'bad', category: 'nope' }, null, 'str');
    const back = new IncidentHistory(10, ids);
    back.restore(json);
    assert.deepEqual(back.list(), h.list());
    assert.ok(back.isMuted('x:1'));
    back.restore({ version: 999, incidents: h.list() });
    assert.equal(back.size, 0);
  });

  it('sanitizes field types of persisted incidents', () => {
    const s = sanitizeStored({ id: 'a', key: 'k', category: 'tls', port: '443', host: 5, origin: { kind: 'debug', name: 'n', exitCode: 'x' }, also: ['dns', 'bogus'] });
    assert.ok(s);
    assert.equal(s.port, null);
    assert.equal(s.host, null);
    assert.deepEqual(s.also, ['dns']);
    assert.equal(s.origin.exitCode, undefined);
    assert.equal(sanitizeStored({ id: 'a', key: 'k', category: 'tls', origin: { kind: 'evil', name: 'n' } }), null);
  });

  it('keeps no credentials in what it stores in workspace state, nor in what it restores', () => {
    const h = new IncidentHistory(10, ids);
    const secret = 'request to http://app:hunter2hunter2@127.0.0.1:5432/?token=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 failed';
    h.add(incident({ text: secret, url: 'http://app:hunter2hunter2@127.0.0.1:5432/' }), origin);
    const stored = JSON.stringify(h.toJSON());
    assert.ok(!stored.includes('hunter2') && !stored.includes('aBcDeFgHiJ'), stored);
    const old = { version: 1, incidents: [{ ...incident({ text: secret, url: 'http://a:hunter2hunter2@h/' }), id: 'x', origin }], muted: [] };
    const back = new IncidentHistory(10, ids);
    back.restore(JSON.parse(JSON.stringify(old)));
    assert.ok(!JSON.stringify(back.toJSON()).includes('hunter2'));
    assert.equal(back.size, 1);
  });
});
