import * as assert from 'node:assert/strict';
import type { Incident } from '../../../src/core/types';
import { incidentsText, lmDiagnoseSubject, probeConfirmation, refusal, sinceEpoch } from '../../../src/host/model/agentModel';
import { IncidentHistory } from '../../../src/host/model/incidentHistory';
import { formatPlain } from '../../../src/host/model/wording';
import { detectText } from '../../../src/core/detect/detect';

function incidentOf(text: string, at: number): Incident {
  const found = detectText(text)[0];
  assert.ok(found, `detected: ${text}`);
  return { ...found, firstSeen: at, lastSeen: at };
}

describe('agent tools model', () => {
  const now = Date.UTC(2026, 11, 3, 9, 0, 0);

  function history(): IncidentHistory {
    const h = new IncidentHistory(50, (() => { let n = 0; return () => `id${++n}`; })());
    h.add(incidentOf('Error: connect ECONNREFUSED 127.0.0.1:5432', now - 3 * 3600_000), { kind: 'terminal', name: 'db', commandLine: 'psql postgres://admin:hunter2@127.0.0.1:5432/app', exitCode: 2 });
    h.add(incidentOf('Error: getaddrinfo ENOTFOUND api.example.com', now - 60_000), { kind: 'debug', name: 'Launch API', debugType: 'node' });
    return h;
  }

  it('diagnoses an incident by id, the given text or target, else the latest incident', () => {
    const h = history();
    const byId = lmDiagnoseSubject({ incidentId: 'id1' }, h);
    assert.ok(!('error' in byId));
    assert.equal(byId.target.port, 5432);
    assert.equal(byId.incident?.code, 'ECONNREFUSED');
    // The latest is a DNS failure without a port: the name alone is the question.
    const latest = lmDiagnoseSubject({}, h);
    assert.ok(!('error' in latest));
    assert.deepEqual([latest.target.host, latest.target.nameOnly], ['api.example.com', true]);
    const given = lmDiagnoseSubject({ error: 'Error: connect ECONNREFUSED [::1]:8080' }, h);
    assert.ok(!('error' in given));
    assert.deepEqual([given.target.host, given.target.port], ['::1', 8080]);
    const hostOnly = lmDiagnoseSubject({ target: 'api.example.com' }, h);
    assert.ok(!('error' in hostOnly));
    assert.equal(hostOnly.target.nameOnly, true);
    assert.match(hostOnly.note ?? '', /only the name was resolved/);
    const missing = lmDiagnoseSubject({ incidentId: 'nope' }, h);
    assert.ok('error' in missing && /connectionDoctor_incidents/.test(missing.error));
    const empty = lmDiagnoseSubject({}, new IncidentHistory(10));
    assert.ok('error' in empty && /No connection failure has been seen/.test(empty.error));
  });

  it('asks before probing any non-loopback host, or anything in Restricted Mode; not for loopback', () => {
    const remote = probeConfirmation({ host: 'db.internal', port: 5432, scheme: null, url: null }, true, formatPlain);
    assert.equal(remote?.title, 'Probe db.internal:5432?');
    assert.match(remote?.message ?? '', /`db\.internal:5432`/);
    const v6 = probeConfirmation({ host: '2001:db8::1', port: 443, scheme: null, url: null }, true, formatPlain);
    assert.equal(v6?.title, 'Probe [2001:db8::1]:443?');
    // This machine's own LAN address is not loopback: the user confirms it like any other host.
    assert.ok(probeConfirmation({ host: '192.168.1.20', port: 22, scheme: null, url: null }, true, formatPlain));
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', 'api.localhost', '::1']) {
      assert.equal(probeConfirmation({ host, port: 3000, scheme: null, url: null }, true, formatPlain), null, host);
      assert.ok(probeConfirmation({ host, port: 3000, scheme: null, url: null }, false, formatPlain), `${host} untrusted`);
    }
  });

  it('refuses ignored hosts, subdomains included', () => {
    const t = (host: string) => ({ host, port: 443, scheme: null, url: null });
    assert.match(refusal(t('db.internal'), ['db.internal']) ?? '', /ignoredHosts/);
    assert.ok(refusal(t('a.example.com'), ['*.example.com']));
    assert.equal(refusal(t('example.org'), ['*.example.com']), null);
  });

  it('lists incidents newest first with command line, exit code, target, category, count and time; masked', () => {
    const listed = incidentsText(history().list(), {}, now);
    assert.ok(!('error' in listed));
    const text = listed.text;
    assert.match(text, /^2 incidents \(newest first\)/);
    assert.ok(text.indexOf('category: dns') < text.indexOf('category: refused'), 'newest first');
    assert.match(text, /target: 127\.0\.0\.1:5432/);
    assert.match(text, /exit code: 2/);
    assert.match(text, /command: psql postgres:\/\/admin:\*\*\*\*@127\.0\.0\.1:5432\/app/);
    assert.ok(!text.includes('hunter2'));
    assert.match(text, /last seen: 2026-12-03T06:00:00\.000Z \(3 h ago\)/);
    assert.match(text, /source: debug "Launch API" \(node\)/);
  });

  it('filters by target and since, and bounds the count', () => {
    const h = history();
    const byTarget = incidentsText(h.list(), { target: '5432' }, now);
    assert.ok(!('error' in byTarget));
    assert.deepEqual(byTarget.shown.map((i) => i.id), ['id1']);
    const recent = incidentsText(h.list(), { since: '15m' }, now);
    assert.ok(!('error' in recent));
    assert.deepEqual(recent.shown.map((i) => i.category), ['dns']);
    const iso = incidentsText(h.list(), { since: '2026-12-03T05:00:00Z' }, now);
    assert.ok(!('error' in iso) && iso.shown.length === 2);
    const one = incidentsText(h.list(), { limit: 1 }, now);
    assert.ok(!('error' in one) && one.shown.length === 1 && /the newest 1 shown/.test(one.text));
    const bad = incidentsText(h.list(), { since: 'yesterday-ish' }, now);
    assert.ok('error' in bad && /ISO 8601/.test(bad.error));
    assert.equal(sinceEpoch('2h', now), now - 7_200_000);
  });
});
