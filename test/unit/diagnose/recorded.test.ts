/**
 * The engine on probe results recorded against real loopback servers (test/unit/diagnose/recorded/):
 * a healthy HTTPS server with no incident, and a resetting server whose late reset the tcp
 * probe's watch missed (what a loaded machine produces), reported by curl and by Node.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rankCauses } from '../../../src/core/diagnose/rank';
import type { Incident, ProbeResult, Target } from '../../../src/core/types';

interface Recorded {
  target: Target;
  incident?: Incident | null;
  incidents?: Record<string, Incident | null>;
  probes: ProbeResult[];
}

function recorded(name: string): Recorded {
  return JSON.parse(readFileSync(join(__dirname, 'recorded', `${name}.json`), 'utf8')) as Recorded;
}

describe('diagnose: recorded probe results', () => {
  it('a healthy local HTTPS server without an incident: the "looks healthy" verdict, never an empty list', () => {
    const r = recorded('healthy-https');
    assert.ok(r.probes.every((p) => p.status !== 'fail'), 'the recording itself is healthy');
    const { causes, verdict } = rankCauses({ target: r.target, incident: null, probes: r.probes });
    assert.deepEqual(causes.map((c) => c.id), ['healthy-from-here']);
    assert.ok(verdict.startsWith(`127.0.0.1:${r.target.port} looks healthy from here: it accepts connections`), verdict);
    assert.match(verdict, /cannot see .*environment/);
    assert.ok(causes[0]?.fixes.some((f) => f.text.includes('verbose')), 'says what to try next');
  });

  for (const client of ['curl7', 'curl56', 'node']) {
    it(`reset-on-connect ranks first when only the http and repeat probes saw the RST (${client})`, () => {
      const r = recorded('reset-late-http');
      const incident = r.incidents?.[client] ?? null;
      assert.ok(incident, `no incident recorded for ${client}`);
      const { causes } = rankCauses({ target: r.target, incident, probes: r.probes });
      const top = causes[0];
      assert.equal(top?.id, 'reset-on-connect', causes.map((c) => `${c.id} ${c.confidence}`).join(', '));
      assert.ok(top.evidence.some((e) => e.probe === 'http' && e.supports), 'the http probe\'s RST supports it');
      const closed = causes.find((c) => c.id === 'closed-mid-response');
      assert.ok(!closed || closed.confidence < top.confidence);
    });
  }

  it('a FIN before any response (socket hang up) still points at closed-mid-response, not at a reset', () => {
    const r = recorded('reset-late-http');
    // The same exchange ended by a FIN: what a server that read the request and hung up gives.
    const probes = r.probes.map((p) => {
      if (p.id === 'http') return { ...p, data: { ...(p.data as object), closeKind: 'eof' } } as ProbeResult;
      if (p.id === 'repeat') {
        const d = p.data as { outcomes: Array<Record<string, unknown>> };
        return { ...p, data: { ...d, outcomes: d.outcomes.map((o) => ({ ...o, close: 'eof' })) } } as ProbeResult;
      }
      return p;
    });
    const incident = r.incidents?.['node'] ?? null;
    const hangUp = incident ? { ...incident, text: 'Error: socket hang up\n    at Socket.socketOnEnd (node:_http_client:524:23) {\n  code: \'ECONNRESET\'\n}' } : null;
    const { causes } = rankCauses({ target: r.target, incident: hangUp, probes });
    assert.equal(causes[0]?.id, 'closed-mid-response', causes.map((c) => `${c.id} ${c.confidence}`).join(', '));
  });

  for (const client of ['go', 'curl', 'python', 'node']) {
    it(`a server that reads the request and then resets ranks closed-mid-response over reset-on-connect (${client})`, () => {
      const r = recorded('reset-after-request');
      const incident = r.incidents?.[client] ?? null;
      assert.ok(incident, `no incident recorded for ${client}`);
      const tcp = r.probes.find((p) => p.id === 'tcp');
      assert.ok(JSON.stringify(tcp?.data).includes('"afterAccept":"quiet"'), 'the recording has the tcp probe seeing the connection accepted and quiet');
      const { causes } = rankCauses({ target: r.target, incident, probes: r.probes });
      const ranking = causes.map((c) => `${c.id} ${c.confidence}`).join(', ');
      assert.equal(causes[0]?.id, 'closed-mid-response', ranking);
      assert.ok(causes[0].evidence.some((e) => e.probe === 'repeat' && e.supports), `the repeated resets at the response support it: ${ranking}`);
      const reset = causes.find((c) => c.id === 'reset-on-connect');
      assert.ok(!reset || reset.evidence.some((e) => !e.supports && e.probe === 'repeat'), 'reset-on-connect is told the resets came after the request');
    });
  }

  it('a keep-alive race stays first when the probe\'s reuse worked only because it idled less than the server\'s unannounced close', () => {
    const r = JSON.parse(readFileSync(join(__dirname, 'recorded', 'faults', 'node-http-agent_keepalive-race.json'), 'utf8')) as Recorded;
    // What a short budget gives (a loaded machine): the probe idled 228 ms against a 300 ms close, so its reuse worked.
    const probes = r.probes.map((p) =>
      p.id === 'keepalive'
        ? ({ ...p, status: 'ok', data: { ...(p.data as object), idleMs: 228.3, reachedAdvertised: false, closedByServer: false, closedAfterMs: null, reusedOk: true, reuseError: null, closeKind: null } } as ProbeResult)
        : p,
    );
    const { causes } = rankCauses({ target: r.target, incident: r.incident ?? null, probes });
    assert.equal(causes[0]?.id, 'keepalive-race', causes.map((c) => `${c.id} ${c.confidence}`).join(', '));
    assert.ok(causes[0].evidence.some((e) => !e.supports && e.probe === 'keepalive' && e.text.includes('could not idle')), 'the short reuse still counts, weakly');
  });

  it('psql against an HTTP server ("invalid response to SSL negotiation: H") ranks wrong-service-on-port over tls-to-plain-port', () => {
    const r = JSON.parse(readFileSync(join(__dirname, 'recorded', 'faults', 'psql-prefer_http-on-port.json'), 'utf8')) as Recorded;
    const { causes } = rankCauses({ target: r.target, incident: r.incident ?? null, probes: r.probes });
    assert.equal(causes[0]?.id, 'wrong-service-on-port', causes.map((c) => `${c.id} ${c.confidence}`).join(', '));
    assert.ok(causes.find((c) => c.id === 'tls-to-plain-port')?.evidence.some((e) => !e.supports && e.probe === 'service'));
  });
});
