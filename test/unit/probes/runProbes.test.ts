import type { Incident } from '../../../src/core/types';
import { strict as assert } from 'node:assert';
import { runProbes } from '../../../src/core/probes/runProbes';
import type { ProbeId, ProbeResult } from '../../../src/core/types';
import { PROBE_IDS } from '../../../src/core/types';
import { testCerts } from '../../faults/certs';
import type { FaultServer } from '../../faults/servers';
import { acceptQueueFullServer, refusingPort, tlsServer } from '../../faults/servers';
import { assertShape, settleSockets, socketCount, target } from './helpers';

function byId(results: ProbeResult[]): Map<ProbeId, ProbeResult> {
  return new Map(results.map((r) => [r.id, r]));
}

describe('probes/runProbes', function () {
  this.timeout(30000);
  const servers: FaultServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('runs what applies to a refused local host:port, reports the rest as skipped, in PROBE_IDS order', async () => {
    const s = await refusingPort();
    const events: string[] = [];
    const results = await runProbes(target(`127.0.0.1:${s.port}`), { env: {}, attempts: 2, spacingMs: 20, onProbe: (r, phase) => events.push(`${r.id}:${phase}`) });
    assert.deepEqual(results.map((r) => r.id), [...PROBE_IDS]);
    results.forEach(assertShape);
    const m = byId(results);
    assert.equal(m.get('resolve')?.status, 'ok');
    assert.equal(m.get('tcp')?.status, 'fail');
    assert.equal(m.get('listeners')?.status, 'fail');
    assert.equal(m.get('proxy')?.status, 'ok');
    assert.equal(m.get('repeat')?.status, 'fail');
    assert.equal(m.get('http')?.status, 'skipped');
    assert.match(m.get('http')?.summary ?? '', /not an HTTP target/);
    assert.equal(m.get('keepalive')?.status, 'skipped');
    for (const id of PROBE_IDS) assert.ok(events.includes(`${id}:done`), `${id} done not reported`);
    assert.ok(events.indexOf('resolve:done') < events.indexOf('tcp:start'));
    assert.ok(events.indexOf('tcp:start') < events.indexOf('tcp:done'));
  });

  it('skips TLS and HTTP for a postgres URL with the reason', async () => {
    const s = await refusingPort();
    const m = byId(await runProbes(target(`postgres://u:pw@127.0.0.1:${s.port}/db`), { env: {}, attempts: 1 }));
    assert.equal(m.get('tls')?.status, 'skipped');
    assert.match(m.get('tls')?.summary ?? '', /postgres/);
    assert.equal(m.get('http')?.status, 'skipped');
  });

  it('diagnoses a healthy HTTPS server as healthy', async () => {
    const certs = await testCerts();
    const s = await tlsServer(certs.valid);
    servers.push(s);
    const m = byId(await runProbes(target(`https://localhost:${s.port}/`), { env: {}, tlsCa: [certs.ca], attempts: 2, spacingMs: 20 }));
    for (const id of ['resolve', 'tcp', 'tls', 'http', 'listeners', 'proxy', 'repeat'] as const) {
      assert.equal(m.get(id)?.status, 'ok', `${id}: ${m.get(id)?.summary ?? ''}`);
    }
    // The idle-reuse probe only runs for resets and hang-ups: it can cost the whole budget.
    assert.equal(m.get('keepalive')?.status, 'skipped');
  });

  it('runs the keep-alive reuse probe when the failure is a hang-up', async () => {
    const certs = await testCerts();
    const s = await tlsServer(certs.valid);
    servers.push(s);
    const incident = { category: 'closed' } as Incident;
    const m = byId(await runProbes(target(`https://localhost:${s.port}/`), { env: {}, tlsCa: [certs.ca], attempts: 1, incident }));
    assert.equal(m.get('keepalive')?.status, 'ok', m.get('keepalive')?.summary);
  });

  it('ends a silent target within its budget: every probe reports a timeout instead of hanging', async () => {
    const q = await acceptQueueFullServer(1);
    servers.push(q);
    await q.fill();
    const results = await runProbes(target(`http://127.0.0.1:${q.port}/`), { env: {}, timeoutMs: 600, attempts: 3, spacingMs: 50 });
    const m = byId(results);
    const tcp = m.get('tcp')?.data as { attempts: { outcome: string }[] };
    assert.equal(tcp.attempts[0]?.outcome, 'timeout');
    assert.equal(m.get('http')?.error?.code, 'ETIMEDOUT');
    const repeat = m.get('repeat')?.data as { successes: number; outcomes: { code?: string }[] };
    assert.equal(repeat.successes, 0);
    assert.ok(repeat.outcomes.every((o) => o.code === 'ETIMEDOUT'));
    assert.equal(m.get('keepalive')?.status, 'skipped');
    const listeners = m.get('listeners')?.data as { listeners: { acceptQueue: number | null }[] };
    assert.ok((listeners.listeners[0]?.acceptQueue ?? 0) > 0);
  });

  it('returns promptly on abort with every socket closed', async () => {
    const q = await acceptQueueFullServer(1);
    servers.push(q);
    await q.fill();
    const before = socketCount();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 80);
    const results = await runProbes(target(`https://127.0.0.1:${q.port}/`), { env: {}, timeoutMs: 20000, signal: ac.signal });
    results.forEach(assertShape);
    const m = byId(results);
    assert.ok(['fail', 'skipped'].includes(m.get('tcp')?.status ?? ''));
    assert.equal(m.get('http')?.status, 'skipped');
    assert.ok((await settleSockets(before)) <= before, 'sockets leaked');
  });

  it('runs only the requested probes', async () => {
    const s = await refusingPort();
    // A nonsense timeout falls back to the default instead of firing at once.
    const m = byId(await runProbes(target(`127.0.0.1:${s.port}`), { env: {}, only: ['tcp'], timeoutMs: Number.NaN }));
    assert.equal(m.get('tcp')?.status, 'fail');
    assert.equal(m.get('tcp')?.error?.code, 'ECONNREFUSED');
    assert.equal(m.get('repeat')?.summary, 'not requested');
    assert.equal(m.get('resolve')?.summary, 'not requested');
  });
});
