import * as assert from 'node:assert/strict';
import { addressInText, elapsedInText, incidentTarget } from '../../../src/core/detect/extract';
import { covers, deriveFacts } from '../../../src/core/diagnose/facts';
import { rankCauses } from '../../../src/core/diagnose/rank';
import { isLoopbackHost } from '../../../src/core/target/address';
import { PROBE_IDS } from '../../../src/core/types';
import type { Incident, ProbeResult, Target } from '../../../src/core/types';

const TARGET: Target = { host: 'localhost', port: 5432, scheme: null, url: null };

function incident(over: Partial<Incident>): Incident {
  return {
    key: 'k', category: 'refused', also: [], code: null, syscall: null, host: 'localhost', port: 5432, url: null, ecosystem: null,
    rule: 'r', count: 1, text: '', line: 1, endLine: 1, firstSeen: 0, lastSeen: 0, ...over,
  };
}

describe('facts derived from the incident', () => {
  it('finds the address inside the error, with the port removed', () => {
    assert.equal(addressInText('Error: connect ECONNREFUSED ::1:3000', 3000), '::1');
    assert.equal(addressInText('Error: connect ECONNREFUSED 127.0.0.1:5432', 5432), '127.0.0.1');
    assert.equal(addressInText('connect ETIMEDOUT 10.0.0.5:443', null), '10.0.0.5');
    assert.equal(addressInText('connection to server at "localhost" (::1), port 5432 failed', 5432), '::1');
    assert.equal(addressInText('curl: (7) Failed to connect to [2001:db8::5]:8080', 8080), '2001:db8::5');
    assert.equal(addressInText('socket hang up', null), null);
    assert.equal(addressInText('at 12:34:56.789 deadbeef cafe', null), null);
  });

  it('reads the time to failure', () => {
    assert.equal(elapsedInText('Failed to connect to x port 80 after 21036 ms: Timed out'), 21036);
    assert.equal(elapsedInText('Connect Timeout Error (attempted address: x:443, timeout: 10000ms)'), 10000);
    assert.equal(elapsedInText("HTTPConnectionPool(host='x', port=80): Max retries exceeded (connect timeout=10)"), 10000);
    assert.equal(elapsedInText('timed out after 75.2 seconds'), 75200);
    assert.equal(elapsedInText('ECONNREFUSED'), null);
  });

  it('knows which listener takes which address', () => {
    assert.ok(covers('::', '127.0.0.1'));
    assert.ok(covers('0.0.0.0', '192.0.2.1'));
    assert.ok(!covers('0.0.0.0', '::1'));
    assert.ok(!covers('127.0.0.1', '::1'));
    assert.ok(covers('::ffff:127.0.0.1', '127.0.0.1'));
    assert.ok(isLoopbackHost('localhost') && isLoopbackHost('127.0.0.2') && isLoopbackHost('::1') && !isLoopbackHost('198.51.100.2'));
  });
});

describe('facts come from the incident, not from its text', () => {
  it('the address and the time to failure are the fields the detector filled', () => {
    const facts = deriveFacts(TARGET, incident({ address: '::1', elapsedMs: 1500, text: 'Connection refused' }), []);
    assert.equal(facts.errorAddress, '::1');
    assert.equal(facts.errorFamily, 6);
    assert.equal(facts.errorAddressLoopback, true);
    assert.equal(facts.elapsedMs, 1500);
  });

  it('the text is not read again: an incident without the fields states no address and no time', () => {
    const facts = deriveFacts(TARGET, incident({ text: 'curl: (28) Failed to connect to 10.0.0.5 port 80 after 21036 ms: Timed out' }), []);
    assert.equal(facts.errorAddress, null);
    assert.equal(facts.elapsedMs, null);
    assert.equal(deriveFacts(TARGET, null, []).errorAddress, null);
  });

  it('the detector parses them once, from the failing line and its record', () => {
    const psql = incidentTarget(['psql: error: connection to server at "localhost" (::1), port 5432 failed: Connection refused'], ['\tIs the server running on that host and accepting TCP/IP connections?'], 'postgres');
    assert.deepEqual([psql.host, psql.port, psql.address, psql.elapsedMs], ['localhost', 5432, '::1', null]);
    const curl = incidentTarget(['curl: (28) Failed to connect to 10.0.0.5 port 80 after 21036 ms: Timed out'], [], 'curl');
    assert.deepEqual([curl.host, curl.port, curl.address, curl.elapsedMs, curl.portFrom], ['10.0.0.5', 80, '10.0.0.5', 21036, 'output']);
    const facts = deriveFacts(TARGET, incident({ ...curl }), []);
    assert.equal(facts.errorAddress, '10.0.0.5');
    assert.equal(facts.elapsedMs, 21036);
  });

  it('probes the overall deadline stopped (data {reason} only, a loaded machine) give unknown facts, never a crash', () => {
    const probes = PROBE_IDS.map((id) => ({ id, status: 'fail', ms: 3000, summary: 'no answer within the 250 ms timeout', data: { reason: 'deadline' }, error: { code: 'ETIMEDOUT', message: 'stopped at the overall deadline' } })) as unknown as ProbeResult[];
    const facts = deriveFacts({ host: '127.0.0.1', port: 5432, scheme: null, url: null } as Target, null, probes);
    assert.equal(facts.listenerFamilies, null);
    assert.equal(facts.nearbyClose, null);
    assert.equal(facts.resetStage, null);
    const { causes, verdict } = rankCauses({ target: { host: '127.0.0.1', port: 5432, scheme: null, url: null } as Target, incident: null, probes });
    assert.ok(Array.isArray(causes) && verdict.length > 0);
  });
});
