import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { compareAnswers, dnsErrorKind, hostsFileAddresses, hostsFilePath, resolveProbe } from '../../../src/core/probes/resolve';
import { tcpProbe } from '../../../src/core/probes/tcp';
import { tcpAttempt } from '../../../src/core/probes/connect';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import type { ResolveData } from '../../../src/core/probes/types';
import { acceptQueueFullServer, bannerServer, closingServer, httpServer, refusingPort, resettingServer, silentServer } from '../../faults/servers';
import { assertShape, settleSockets, socketCount, target, useServers } from './helpers';

describe('probes/resolve', () => {
  it('skips resolution for IP literals', async () => {
    const r = await resolveProbe(target('[::1]:80'), { env: {} });
    assertShape(r);
    assert.equal(r.status, 'ok');
    assert.equal(r.data.ipLiteral, true);
    assert.deepEqual(r.data.addresses, [{ address: '::1', family: 6 }]);
    assert.equal(r.data.lookup, null);
  });

  it('resolves localhost through the system resolver, reads the hosts file, never asks DNS about it', async () => {
    const r = await resolveProbe(target('localhost:80'), { env: {} });
    assert.equal(r.status, 'ok');
    assert.ok(r.data.addresses.some((a) => a.address === '127.0.0.1' || a.address === '::1'));
    assert.equal(r.data.dns4, null);
    assert.equal(r.data.dns6, null);
    const expected = hostsFileAddresses(readFileSync(hostsFilePath(), 'utf8'), 'localhost');
    assert.deepEqual(r.data.hostsFile?.addresses ?? [], expected);
    assert.equal(r.data.firstFamily, r.data.addresses[0]?.family);
  });

  it('parses hosts files: comments, case, several names per line', () => {
    const text = '# c\n127.0.0.1\tlocalhost  Box.Local # me\n::1 localhost ip6-localhost\n10.0.0.5 api.test\n  \nbad line\n';
    assert.deepEqual(hostsFileAddresses(text, 'localhost'), ['127.0.0.1', '::1']);
    assert.deepEqual(hostsFileAddresses(text, 'box.local'), ['127.0.0.1']);
    assert.deepEqual(hostsFileAddresses(text, 'me'), []);
  });

  it('keeps ENOTFOUND, EAI_AGAIN and SERVFAIL apart', () => {
    assert.equal(dnsErrorKind('ENOTFOUND'), 'nxdomain');
    assert.equal(dnsErrorKind('EAI_AGAIN'), 'tempfail');
    assert.equal(dnsErrorKind('ESERVFAIL'), 'servfail');
    assert.equal(dnsErrorKind('ECONNREFUSED'), 'refused');
    assert.equal(dnsErrorKind('ENODATA'), 'nodata');
    assert.equal(dnsErrorKind('ETIMEOUT'), 'timeout');
  });

  it('flags a hosts-file override and a resolver/DNS disagreement', () => {
    const base = (): ResolveData => ({
      host: 'api.test', ipLiteral: false, lookup: { addresses: [{ address: '10.0.0.5', family: 4 }], ms: 1 },
      dns4: { addresses: ['203.0.113.9'], ms: 1 }, dns6: { addresses: [], ms: 1, error: { code: 'ENODATA', message: '', kind: 'nodata' } },
      hostsFile: { path: '/etc/hosts', addresses: ['10.0.0.5'] }, hostsFileOverride: false, disagree: false,
      addresses: [{ address: '10.0.0.5', family: 4 }], firstFamily: 4, failure: null,
    });
    const overridden = base();
    compareAnswers(overridden);
    assert.equal(overridden.hostsFileOverride, true);
    assert.equal(overridden.disagree, true);
    const dnsMissing = base();
    dnsMissing.dns4 = { addresses: [], ms: 1, error: { code: 'ENOTFOUND', message: '', kind: 'nxdomain' } };
    dnsMissing.dns6 = { addresses: [], ms: 1, error: { code: 'ENOTFOUND', message: '', kind: 'nxdomain' } };
    compareAnswers(dnsMissing);
    assert.equal(dnsMissing.hostsFileOverride, true);
    const agree = base();
    agree.hostsFile = null;
    agree.dns4 = { addresses: ['10.0.0.5'], ms: 1 };
    compareAnswers(agree);
    assert.equal(agree.disagree, false);
    assert.equal(agree.hostsFileOverride, false);
  });

  it('returns promptly when aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await resolveProbe(target('localhost:1'), { env: {}, signal: ac.signal });
    assertShape(r);
  });
});

describe('probes/tcp', () => {
  const { servers, start } = useServers();
  it('classifies a closed port as refused', async () => {
    const s = await start(refusingPort());
    const r = await tcpProbe(target(`127.0.0.1:${s.port}`), { env: {} });
    assertShape(r);
    assert.equal(r.status, 'fail');
    assert.equal(r.data.attempts[0]?.outcome, 'refused');
    assert.equal(r.data.attempts[0]?.code, 'ECONNREFUSED');
    assert.equal(r.error?.code, 'ECONNREFUSED');
  });

  it('classifies accept-then-RST as reset', async () => {
    const s = await start(resettingServer());
    const r = await tcpProbe(target(`127.0.0.1:${s.port}`), { env: {} });
    assert.equal(r.status, 'fail');
    assert.equal(r.data.attempts[0]?.outcome, 'reset');
    assert.equal(r.data.attempts[0]?.afterAccept, 'reset');
  });

  it('keeps watching an accepted connection until watchUntil settles: a late reset (a busy server) is still a reset', async () => {
    // Resets 250 ms after the accept, well past the 100 ms settle window.
    const sockets = new Set<Socket>();
    const server = createServer((sock) => {
      sockets.add(sock);
      sock.on('error', () => undefined);
      setTimeout(() => sock.resetAndDestroy(), 250);
    });
    await new Promise<void>((done) => server.listen({ host: '127.0.0.1', port: 0 }, done));
    const port = (server.address() as AddressInfo).port;
    try {
      const short = await tcpAttempt({ address: '127.0.0.1', family: 4 }, port, { timeoutMs: 2000, settleMs: 100 });
      assert.equal(short.outcome, 'accepted');
      assert.equal(short.afterAccept, 'quiet', 'without watchUntil the window is the settle time');
      const othersDone = new Promise((done) => setTimeout(done, 400));
      const r = await tcpProbe(target(`127.0.0.1:${port}`), { env: {}, watchUntil: othersDone });
      assert.equal(r.status, 'fail');
      assert.equal(r.data.attempts[0]?.afterAccept, 'reset');
      // A watch that ends early on the event records how long it lasted; a watch of a healthy peer ends with watchUntil.
      const ok = await start(httpServer());
      const healthy = await tcpProbe(target(`127.0.0.1:${ok.port}`), { env: {}, watchUntil: Promise.resolve() });
      assert.equal(healthy.data.attempts[0]?.afterAccept, 'quiet');
      assert.ok((healthy.data.attempts[0]?.watchedMs ?? 0) >= 90, JSON.stringify(healthy.data.attempts[0]));
    } finally {
      for (const sock of sockets) sock.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    }
  });

  it('accepts a healthy listener and notes an immediate close, a banner and silence', async () => {
    const http = await start(httpServer());
    const quiet = await tcpProbe(target(`127.0.0.1:${http.port}`), { env: {} });
    assert.equal(quiet.status, 'ok');
    assert.deepEqual(quiet.data.acceptedFamilies, [4]);
    assert.equal(quiet.data.attempts[0]?.afterAccept, 'quiet');
    const closing = await start(closingServer());
    assert.equal((await tcpProbe(target(`127.0.0.1:${closing.port}`), { env: {} })).data.attempts[0]?.afterAccept, 'closed');
    const banner = await start(bannerServer());
    const b = await tcpProbe(target(`127.0.0.1:${banner.port}`), { env: {} });
    assert.equal(b.data.attempts[0]?.afterAccept, 'data');
    assert.equal(b.data.attempts[0]?.banner, 'SSH-2.0-OpenSSH_9.6');
  });

  it('tries every family separately (IPv4 accepted, IPv6 refused on the same port)', async () => {
    const s = await start(httpServer({ host: '127.0.0.1' }));
    const resolved = {
      host: 'dual.test', ipLiteral: false, lookup: null, dns4: null, dns6: null, hostsFile: null, hostsFileOverride: false, disagree: false,
      addresses: [{ address: '::1', family: 6 as const }, { address: '127.0.0.1', family: 4 as const }], firstFamily: 6 as const, failure: null,
    };
    const r = await tcpProbe({ host: 'dual.test', port: s.port, scheme: null, url: null }, { env: {}, resolved });
    assert.equal(r.status, 'fail');
    const byFamily = new Map(r.data.attempts.map((a) => [a.family, a.outcome]));
    assert.equal(byFamily.get(4), 'accepted');
    assert.ok(['refused', 'unreachable', 'error'].includes(byFamily.get(6) ?? ''), String(byFamily.get(6)));
    assert.deepEqual(r.data.acceptedFamilies, [4]);
  });

  it('skips when the name did not resolve', async () => {
    const resolved = {
      host: 'nx.test', ipLiteral: false, lookup: { addresses: [], ms: 1, error: { code: 'ENOTFOUND', message: 'x', kind: 'nxdomain' as const } },
      dns4: null, dns6: null, hostsFile: null, hostsFileOverride: false, disagree: false, addresses: [], firstFamily: null, failure: 'nxdomain' as const,
    };
    const r = await tcpProbe({ host: 'nx.test', port: 80, scheme: null, url: null }, { env: {}, resolved });
    assert.equal(r.status, 'skipped');
  });

  it('stops at its timeout on a connect that gets no answer, and on abort, without leaking sockets', async () => {
    // A full accept queue makes the kernel drop SYNs: a loopback connect with no answer at all.
    const q = await acceptQueueFullServer(1);
    servers.push(q);
    await q.fill();
    const before = socketCount();
    const timedOut = await tcpAttempt({ address: '127.0.0.1', family: 4 }, q.port, { timeoutMs: 300 });
    assert.equal(timedOut.outcome, 'timeout');
    assert.equal(timedOut.code, 'ETIMEDOUT');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const r = await tcpProbe(target(`127.0.0.1:${q.port}`), { env: {}, signal: ac.signal, timeoutMs: 10000 });
    assert.equal(r.data.attempts[0]?.outcome, 'aborted');
    assert.ok((await settleSockets(before)) <= before, 'sockets leaked');
  });

  it('stops on a silent server after accept without waiting for data', async () => {
    const s = await start(silentServer());
    const r = await tcpProbe(target(`127.0.0.1:${s.port}`), { env: {}, timeoutMs: 1000 });
    assert.equal(r.status, 'ok');
    assert.equal(r.data.attempts[0]?.afterAccept, 'quiet');
  });
});
