import * as assert from 'node:assert/strict';
import type { Config } from '../../../src/host/model/configModel';
import { CONFIG_DEFAULTS, configFrom, effectiveValue, hostsFrom, intFrom, isIgnoredHost } from '../../../src/host/model/configModel';

const from = (raw: Partial<Record<keyof Config, unknown>>): Readonly<Config> => configFrom((k) => raw[k]);

describe('config normalisation', () => {
  it('gives the defaults for missing or malformed values', () => {
    assert.deepEqual(from({}), CONFIG_DEFAULTS);
    const bad = from({ watchTerminals: 'yes', notifications: 'sometimes', probeTimeoutMs: 'fast', historySize: Number.NaN, ignoredHosts: 'a.com' });
    assert.deepEqual(bad, CONFIG_DEFAULTS);
  });

  it('keeps valid values', () => {
    const c = from({ watchTerminals: false, notifications: 'never', autoOpenPanel: true, probeTimeoutMs: 5000, repeatAttempts: 3, historySize: 50 });
    assert.equal(c.watchTerminals, false);
    assert.equal(c.notifications, 'never');
    assert.equal(c.autoOpenPanel, true);
    assert.equal(c.probeTimeoutMs, 5000);
    assert.equal(c.repeatAttempts, 3);
    assert.equal(c.historySize, 50);
  });

  it('clamps and rounds numbers', () => {
    assert.equal(intFrom(1e9, 1, 10, 100), 100);
    assert.equal(intFrom(-5, 1, 10, 100), 10);
    assert.equal(intFrom(12.6, 1, 10, 100), 13);
    assert.equal(from({ historySize: 1 }).historySize, 10);
    assert.equal(from({ repeatAttempts: 1_000_000 }).repeatAttempts, 50);
  });

  it('normalises ignored hosts: trims, lower-cases, unbrackets, dedupes, bounds', () => {
    assert.deepEqual(hostsFrom([' DB.local ', 'db.local', '[::1]', '', 42, 'x'.repeat(300)]), ['db.local', '::1']);
    assert.equal(hostsFrom(Array.from({ length: 2000 }, (_, i) => `h${i}`)).length, 500);
  });

  it('returns a frozen snapshot', () => {
    const c = from({});
    assert.ok(Object.isFrozen(c));
    assert.ok(Object.isFrozen(c.ignoredHosts));
  });

  it('ignores workspace values of restricted keys when untrusted', () => {
    const scoped = { defaultValue: false, globalValue: undefined, workspaceValue: true };
    assert.equal(effectiveValue('autoOpenPanel', scoped, true), true);
    assert.equal(effectiveValue('autoOpenPanel', scoped, false), false);
    assert.deepEqual(effectiveValue('ignoredHosts', { defaultValue: [], globalValue: ['a'], workspaceFolderValue: ['evil'] }, false), ['a']);
    // Unrestricted keys still follow the workspace.
    assert.equal(effectiveValue('hover', { defaultValue: true, workspaceValue: false }, false), false);
  });

  it('matches ignored hosts exactly or by suffix pattern', () => {
    assert.ok(isIgnoredHost('DB.local', ['db.local']));
    assert.ok(isIgnoredHost('a.b.example.com', ['*.example.com']));
    assert.ok(isIgnoredHost('example.com', ['.example.com']));
    assert.ok(!isIgnoredHost('badexample.com', ['*.example.com']));
    assert.ok(!isIgnoredHost(null, ['x']));
    assert.ok(isIgnoredHost('[::1]', ['::1']));
  });
});
