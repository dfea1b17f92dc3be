import { strict as assert } from 'node:assert';
import { httpProbe, httpUrlOf, keepAliveTimeoutMs } from '../../../src/core/probes/http';
import { keepaliveProbe } from '../../../src/core/probes/keepalive';
import { testCerts } from '../../faults/certs';
import type { FaultServer } from '../../faults/servers';
import { closeMidResponseServer, httpServer, keepAliveServer, overloadedHttpServer, refusingPort, resettingServer, slowHttpServer, tlsServer } from '../../faults/servers';
import { assertShape, settleSockets, socketCount, target, useServers } from './helpers';

describe('probes/http', function () {
  this.timeout(30000);
  const { start } = useServers();
  it('maps targets to request URLs and reads Keep-Alive timeouts', () => {
    assert.equal(httpUrlOf(target('wss://h:9/x?y=1'))?.href, 'https://h:9/x?y=1');
    assert.equal(httpUrlOf(target('http://[::1]:8080/'))?.href, 'http://[::1]:8080/');
    assert.equal(httpUrlOf(target('postgres://h')), null);
    assert.equal(keepAliveTimeoutMs('timeout=5, max=100'), 5000);
    assert.equal(keepAliveTimeoutMs('max=5'), null);
    assert.equal(keepAliveTimeoutMs(null), null);
  });

  it('reports status, timings and the diagnosis headers, without following redirects', async () => {
    const s = await start(httpServer({ handler: (_q, res) => { res.writeHead(302, { location: '/elsewhere', server: 'fault/1', via: '1.1 test' }); res.end(); } }));
    const r = await httpProbe(target(`http://localhost:${s.port}/start`), { env: {} });
    assertShape(r);
    assert.equal(r.status, 'ok');
    assert.equal(r.data.status, 302);
    assert.equal(r.data.headers.location, '/elsewhere');
    assert.equal(r.data.headers.server, 'fault/1');
    assert.equal(r.data.headers.via, '1.1 test');
    assert.equal(r.data.headers.connection, 'keep-alive');
    assert.equal(r.data.keepAliveTimeoutMs, 5000);
    assert.equal(r.data.complete, true);
    const t = r.data.timings;
    assert.ok(t.dns !== null && t.connect !== null && t.firstByte !== null);
    assert.ok(t.dns <= t.connect && t.connect <= t.firstByte && t.firstByte <= t.total);
    assert.equal(t.tls, null);
  });

  it('times the TLS step of https', async () => {
    const certs = await testCerts();
    const s = await start(tlsServer(certs.selfSigned));
    const r = await httpProbe(target(`https://127.0.0.1:${s.port}`), { env: {} });
    assert.equal(r.data.status, 200);
    assert.equal(r.data.timings.dns, null);
    assert.ok(r.data.timings.tls !== null && r.data.timings.connect !== null && r.data.timings.tls >= r.data.timings.connect);
  });

  it('reports 503 with Retry-After as a failure', async () => {
    const s = await start(overloadedHttpServer());
    const r = await httpProbe(target(`http://127.0.0.1:${s.port}`), { env: {} });
    assert.equal(r.status, 'fail');
    assert.equal(r.data.headers.retryAfter, '5');
  });

  it('fails at connect on a refused port', async () => {
    const s = await start(refusingPort());
    const r = await httpProbe(target(`http://127.0.0.1:${s.port}`), { env: {} });
    assert.equal(r.status, 'fail');
    assert.equal(r.data.failedAt, 'connect');
    assert.equal(r.error?.code, 'ECONNREFUSED');
    assert.equal(r.data.closedMidResponse, false);
  });

  it('times out waiting for a slow server: failed at response', async () => {
    const s = await start(slowHttpServer(5000));
    const r = await httpProbe(target(`http://127.0.0.1:${s.port}`), { env: {}, timeoutMs: 300 });
    assert.equal(r.status, 'fail');
    assert.equal(r.data.failedAt, 'response');
    assert.equal(r.error?.code, 'ETIMEDOUT');
    assert.notEqual(r.data.timings.connect, null);
    assert.equal(r.data.closedMidResponse, false);
    // Our own teardown at the timeout (a "socket hang up" on the destroyed request) must not be
    // recorded later as the server closing the connection.
    await new Promise((done) => setTimeout(done, 100));
    assert.equal(r.data.closedMidResponse, false);
    assert.equal(r.data.closeKind, null);
  });

  it('sees a server that hangs up after reading the request (socket hang up)', async () => {
    const s = await start(closeMidResponseServer('before-response'));
    const r = await httpProbe(target(`http://127.0.0.1:${s.port}`), { env: {} });
    assert.equal(r.status, 'fail');
    assert.equal(r.data.closedMidResponse, true);
    assert.equal(r.data.failedAt, 'response');
    assert.equal(r.error?.code, 'ECONNRESET');
  });

  it('tells a FIN after the request (socket hang up) from an RST (a server that rejects the connection)', async () => {
    const fin = await start(closeMidResponseServer('before-response'));
    const a = await httpProbe(target(`http://127.0.0.1:${fin.port}`), { env: {} });
    assert.equal(a.data.closeKind, 'eof');
    assert.match(a.summary, /FIN/);
    const rst = await start(resettingServer());
    const b = await httpProbe(target(`http://127.0.0.1:${rst.port}`), { env: {} });
    assert.equal(b.status, 'fail');
    assert.equal(b.data.closeKind, 'reset');
    assert.equal(b.data.status, null);
    assert.match(b.summary, /RST/);
    const ok = await start(httpServer());
    assert.equal((await httpProbe(target(`http://127.0.0.1:${ok.port}`), { env: {} })).data.closeKind, null);
  });

  it('sees a server that cuts the body', async () => {
    const s = await start(closeMidResponseServer('mid-body'));
    const r = await httpProbe(target(`http://127.0.0.1:${s.port}`), { env: {} });
    assert.equal(r.status, 'fail');
    assert.equal(r.data.status, 200);
    assert.equal(r.data.closedMidResponse, true);
    assert.equal(r.data.failedAt, 'body');
    assert.equal(r.data.complete, false);
  });

  it('returns promptly on abort', async () => {
    const s = await start(slowHttpServer(10000));
    const before = socketCount();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const r = await httpProbe(target(`http://127.0.0.1:${s.port}`), { env: {}, signal: ac.signal, timeoutMs: 10000 });
    assert.equal(r.status, 'skipped');
    assert.equal(r.error?.code, 'ABORTED');
    assert.ok((await settleSockets(before)) <= before, 'sockets leaked');
  });
});

describe('probes/keepalive', function () {
  this.timeout(30000);
  const servers: FaultServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('catches a server closing idle keep-alive connections, with the measured idle time', async () => {
    const s = await keepAliveServer(300);
    servers.push(s);
    const r = await keepaliveProbe(target(`http://127.0.0.1:${s.port}`), { env: {}, timeoutMs: 4000 });
    assertShape(r);
    assert.equal(r.status, 'fail', r.summary);
    assert.equal(r.data.closedByServer, true);
    assert.equal(r.data.serverKeepAliveTimeoutMs, 0);
    assert.ok(r.data.closedAfterMs !== null && r.data.closedAfterMs >= 300, String(r.data.closedAfterMs));
    assert.equal(r.data.reusedOk, false);
  });

  it('reuses a connection whose advertised timeout is beyond the budget, and says so', async () => {
    const s = await keepAliveServer(5000);
    servers.push(s);
    const r = await keepaliveProbe(target(`http://127.0.0.1:${s.port}`), { env: {}, timeoutMs: 1500 });
    assert.equal(r.status, 'ok', r.summary);
    assert.equal(r.data.reusedOk, true);
    assert.equal(r.data.closedByServer, false);
    assert.equal(r.data.reachedAdvertised, false);
    assert.equal(r.data.serverKeepAliveTimeoutMs, 5000);
    assert.match(r.summary, /needs a timeout/);
  });

  it('notes a server that refuses keep-alive', async () => {
    const s = await httpServer({ handler: (_q, res) => { res.setHeader('connection', 'close'); res.end('x'); } });
    servers.push(s);
    const r = await keepaliveProbe(target(`http://127.0.0.1:${s.port}`), { env: {} });
    assert.equal(r.data.serverRefusesKeepAlive, true);
    assert.equal(r.status, 'ok');
  });

  it('skips when there is no first response', async () => {
    const s = await refusingPort();
    const r = await keepaliveProbe(target(`http://127.0.0.1:${s.port}`), { env: {} });
    assert.equal(r.status, 'skipped');
    assert.equal(r.error?.code, 'ECONNREFUSED');
  });
});
