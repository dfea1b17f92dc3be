import * as assert from 'node:assert/strict';
import { NotificationGate, formatPlain, notificationMessage, targetLabel } from '../../../src/host/model/wording';
import { stored } from './fixtures';

describe('notification wording', () => {
  it('names the failure, the target, the program and where it ran', () => {
    assert.equal(notificationMessage(stored(), formatPlain), "Connection refused by 127.0.0.1:5432 (node, terminal 'server')");
  });

  it('words every category and origin', () => {
    assert.equal(
      notificationMessage(stored({ category: 'reset', ecosystem: 'curl', host: '::1', port: 8080 }, { kind: 'debug', name: 'Launch', debugType: 'node' }), formatPlain),
      "Connection reset by [::1]:8080 (curl, debug session 'Launch' (node))",
    );
    assert.equal(notificationMessage(stored({ category: 'dns', host: 'db.internal', port: null, ecosystem: null }, { kind: 'file', name: 'app.log' }), formatPlain), "Could not resolve db.internal (file 'app.log')");
    assert.equal(notificationMessage(stored({ category: 'timeout', host: null, port: null }), formatPlain), "Connection timed out (node, terminal 'server')");
    assert.match(notificationMessage(stored({ count: 12 }), formatPlain), /seen 12 times$/);
  });

  it('formats IPv6 targets with brackets', () => {
    assert.equal(targetLabel('fe80::1', 443), '[fe80::1]:443');
    assert.equal(targetLabel('[::1]', 1), '[::1]:1');
    assert.equal(targetLabel(null, 1), null);
  });
});

describe('notification gate', () => {
  it('never notifies in mode never or for muted targets', () => {
    const g = new NotificationGate();
    assert.equal(g.shouldNotify('never', 'a:1', false, 0), false);
    assert.equal(g.shouldNotify('always', 'a:1', true, 0), false);
  });

  it('oncePerTarget notifies a target once', () => {
    const g = new NotificationGate(1000);
    assert.equal(g.shouldNotify('oncePerTarget', 'a:1', false, 0), true);
    assert.equal(g.shouldNotify('oncePerTarget', 'a:1', false, 1_000_000), false);
    assert.equal(g.shouldNotify('oncePerTarget', 'b:1', false, 1_000_001), true);
  });

  it('always notifies again after the quiet period only', () => {
    const g = new NotificationGate(1000);
    assert.equal(g.shouldNotify('always', 'a:1', false, 0), true);
    assert.equal(g.shouldNotify('always', 'a:1', false, 999), false);
    assert.equal(g.shouldNotify('always', 'a:1', false, 1000), true);
  });

  it('caps a flood of different targets', () => {
    const g = new NotificationGate(1000, 3);
    const shown = Array.from({ length: 100 }, (_, i) => g.shouldNotify('always', `h${i}:1`, false, i)).filter(Boolean).length;
    assert.equal(shown, 3);
    assert.equal(g.shouldNotify('always', 'late:1', false, 5000), true);
  });

  it('forgets on reset', () => {
    const g = new NotificationGate(1000);
    g.shouldNotify('oncePerTarget', 'a:1', false, 0);
    g.reset();
    assert.equal(g.shouldNotify('oncePerTarget', 'a:1', false, 1), true);
  });
});
