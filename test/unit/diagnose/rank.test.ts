import * as assert from 'node:assert/strict';
import { rankCauses } from '../../../src/core/diagnose/rank';
import { likelyCausesOffline } from '../../../src/core/diagnose/offline';
import { explainCategory } from '../../../src/core/knowledge/categories';
import type { Incident } from '../../../src/core/types';
import { fixture, loadFixtures } from './fixtures';
import { REQUIRED_CAUSES } from '../../support/requiredCauses';


function incident(over: Partial<Incident>): Incident {
  return {
    key: 'k', category: 'refused', also: [], code: null, syscall: null, host: '127.0.0.1', port: 3000, url: null, ecosystem: 'node',
    rule: 'test', count: 1, text: '', line: 1, endLine: 1, firstSeen: 0, lastSeen: 0, ...over,
  };
}

describe('rankCauses on recorded probe results', () => {
  it('has a fixture for every required cause', () => {
    const expected = new Set(loadFixtures().map((f) => f.expected));
    for (const id of REQUIRED_CAUSES) assert.ok(expected.has(id), `no fixture expects ${id}`);
  });

  for (const f of loadFixtures()) {
    it(`ranks ${f.expected} first for ${f.name}`, () => {
      const { causes, verdict } = rankCauses({ target: f.target, incident: f.incident, probes: f.probes });
      const summary = causes.slice(0, 3).map((c) => `${c.id}:${c.confidence}`).join(', ');
      assert.equal(causes[0]?.id, f.expected, `ranked: ${summary}`);
      const top = causes[0];
      assert.ok(top.confidence > 0.5, `confidence ${top.confidence}`);
      if (causes[1]) assert.ok(top.confidence > causes[1].confidence, `tie with ${causes[1].id}: ${summary}`);
      // Evidence for the winner comes from a probe, not only from the error text.
      assert.ok(top.evidence.some((e) => e.supports && e.probe !== 'incident'), 'no probe evidence for the top cause');
      assert.ok(top.fixes.length > 0 && top.verify.length > 0);
      assert.ok(!/\{[a-z]+(\.[A-Za-z[\]0-9*]+)*\}/.test(verdict), `unfilled placeholder in verdict: ${verdict}`);
      for (let i = 1; i < causes.length; i++) assert.ok(causes[i - 1].confidence >= causes[i].confidence, 'not sorted');
    });
  }

  it('is deterministic: the same input gives the same output', () => {
    const f = fixture('intermittent-network');
    const a = rankCauses({ target: f.target, incident: f.incident, probes: f.probes });
    const b = rankCauses({ target: f.target, incident: f.incident, probes: structuredClone(f.probes) });
    assert.deepEqual(a, b);
  });

  it('lists evidence for and against: an IPv4 listener rules out no-listener when ::1 is refused', () => {
    const f = fixture('ip-family-mismatch');
    const { causes } = rankCauses({ target: f.target, incident: f.incident, probes: f.probes });
    const family = causes.find((c) => c.id === 'ip-family-mismatch');
    assert.ok(family);
    assert.ok(family.evidence.some((e) => e.supports && e.probe === 'listeners' && e.text.includes('127.0.0.1')), JSON.stringify(family.evidence));
    // no-listener is either dropped or far behind.
    const none = causes.find((c) => c.id === 'no-listener');
    assert.ok(!none || none.confidence < 0.2);
  });

  it('lists evidence for and against: a nearby listener speaks against no-listener', () => {
    const f = fixture('wrong-port');
    const { causes } = rankCauses({ target: f.target, incident: f.incident, probes: f.probes });
    const none = causes.find((c) => c.id === 'no-listener');
    assert.ok(none);
    assert.ok(none.evidence.some((e) => e.supports && e.probe === 'tcp'));
    assert.ok(none.evidence.some((e) => !e.supports && e.probe === 'listeners' && e.text.includes(String(f.target.port - 1))), JSON.stringify(none.evidence));
    // Evidence for is listed before evidence against.
    const firstAgainst = none.evidence.findIndex((e) => !e.supports);
    assert.ok(none.evidence.slice(firstAgainst).every((e) => !e.supports));
  });

  it('the address inside the error beats the host name: same probes, error naming 127.0.0.1 is no longer a family mismatch', () => {
    const f = fixture('ip-family-mismatch');
    const port = f.target.port;
    // Same listener on 127.0.0.1; now the error (and the target) name the address it listens on, which accepts.
    const withV4 = rankCauses({
      target: f.target,
      incident: { ...(f.incident as Incident), text: `Error: connect ECONNREFUSED 127.0.0.1:${port}`, address: '127.0.0.1' },
      probes: f.probes,
    });
    const v6 = rankCauses({ target: f.target, incident: f.incident, probes: f.probes });
    const conf = (r: typeof v6, id: string): number => r.causes.find((c) => c.id === id)?.confidence ?? 0;
    assert.ok(conf(v6, 'ip-family-mismatch') > conf(withV4, 'ip-family-mismatch'));
  });

  it('without probe evidence a target-only diagnosis of a healthy server names no fault, only what the probes cannot see', () => {
    const f = fixture('keepalive-race');
    const healthy = f.probes.filter((p) => p.id !== 'keepalive');
    const { causes, verdict } = rankCauses({ target: f.target, incident: null, probes: healthy });
    assert.deepEqual(causes.map((c) => c.id), ['healthy-from-here']);
    assert.match(verdict, /accepts connections/);
    assert.match(verdict, /cannot see/);
  });

  it('gives snippets for the incident ecosystem only when it has some', () => {
    const f = fixture('keepalive-race');
    const node = rankCauses({ target: f.target, incident: f.incident, probes: f.probes }).causes[0];
    assert.ok(node.fixes.some((x) => x.code?.ecosystem === 'node'));
    assert.ok(node.fixes.every((x) => !x.code || x.code.ecosystem === 'node' || x.code.ecosystem === 'shell'));
    const py = rankCauses({ target: f.target, incident: { ...(f.incident as Incident), ecosystem: 'python' }, probes: f.probes }).causes[0];
    assert.ok(py.fixes.some((x) => x.code?.ecosystem === 'python'));
    assert.ok(!py.fixes.some((x) => x.code?.ecosystem === 'node'));
  });

  it('fills {host} and {port} in verify commands', () => {
    const f = fixture('no-listener');
    const top = rankCauses({ target: f.target, incident: f.incident, probes: f.probes }).causes[0];
    assert.ok(top.verify.some((v) => v.text === `nc -vz 127.0.0.1 ${f.target.port}`), top.verify.map((v) => v.text).join('\n'));
  });

  it('reads timing in the error: a 21 s connect timeout cites Windows SYN retries', () => {
    const f = fixture('packet-drop');
    const inc = { ...(f.incident as Incident), text: 'curl: (28) Failed to connect to 198.51.100.7 port 5432 after 21036 ms: Timed out', address: '198.51.100.7', elapsedMs: 21036 };
    const top = rankCauses({ target: f.target, incident: inc, probes: f.probes }).causes[0];
    assert.equal(top.id, 'packet-drop');
    assert.ok(top.evidence.some((e) => e.text.includes('21036 ms') && e.text.includes('Windows')));
  });
});

describe('likelyCausesOffline', () => {
  it('ranks from the error alone: ECONNREFUSED is no-listener', () => {
    const causes = likelyCausesOffline(incident({ code: 'ECONNREFUSED', text: 'Error: connect ECONNREFUSED 127.0.0.1:3000' }));
    assert.equal(causes[0].id, 'no-listener');
  });

  it('raises ip-family-mismatch when the refused address is ::1', () => {
    const v4 = likelyCausesOffline(incident({ code: 'ECONNREFUSED', text: 'Error: connect ECONNREFUSED 127.0.0.1:3000', address: '127.0.0.1' }));
    const v6 = likelyCausesOffline(incident({ code: 'ECONNREFUSED', host: '::1', text: 'Error: connect ECONNREFUSED ::1:3000', address: '::1' }));
    const conf = (cs: typeof v4): number => cs.find((c) => c.id === 'ip-family-mismatch')?.confidence ?? 0;
    assert.ok(conf(v6) > conf(v4));
  });

  it('keeps ENOTFOUND and EAI_AGAIN apart', () => {
    const nx = likelyCausesOffline(incident({ category: 'dns', code: 'ENOTFOUND', syscall: 'getaddrinfo', host: 'api.example', port: null, text: 'getaddrinfo ENOTFOUND api.example' }));
    const again = likelyCausesOffline(incident({ category: 'dns', code: 'EAI_AGAIN', syscall: 'getaddrinfo', host: 'api.example', port: null, text: 'getaddrinfo EAI_AGAIN api.example' }));
    assert.equal(nx[0].id, 'dns-nxdomain');
    assert.equal(again[0].id, 'dns-resolver-failure');
  });

  it('a TLS altname error points at the hostname', () => {
    const causes = likelyCausesOffline(incident({ category: 'tls', code: 'ERR_TLS_CERT_ALTNAME_INVALID', text: "Hostname/IP does not match certificate's altnames" }));
    assert.equal(causes[0].id, 'tls-hostname-mismatch');
  });

  it('explains categories', () => {
    assert.match(explainCategory('refused'), /nothing was listening/);
  });
});
