import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { parseProxyUrl, proxyProbe } from '../../../src/core/probes/proxy';
import { noProxyMatch, proxyFor } from '../../../src/core/probes/proxyChoice';
import { percentile, repeatProbe } from '../../../src/core/probes/repeat';
import type { FaultServer } from '../../faults/servers';
import { connectProxy, httpServer, refusingPort, resettingServer } from '../../faults/servers';
import { assertShape, target } from './helpers';

describe('probes/proxy', function () {
  this.timeout(20000);
  const servers: FaultServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('masks credentials with the one masker', () => {
    const shown = (v: string): string | null => proxyFor(target('https://x.test'), { HTTPS_PROXY: v }, null).proxyForTarget;
    assert.equal(shown('http://user:p%40ss@proxy:3128'), 'http://user:****@proxy:3128');
    assert.equal(shown('http://ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789@proxy:3128/x'), 'http://ghp_****@proxy:3128/x');
    assert.equal(shown('proxy:3128'), 'proxy:3128');
  });

  it('matches NO_PROXY like curl: *, suffixes, leading dots, ports, IPs, CIDR', () => {
    assert.equal(noProxyMatch('*', 'a.b', 1), '*');
    assert.equal(noProxyMatch('example.com', 'api.example.com', 443), 'example.com');
    assert.equal(noProxyMatch('example.com', 'example.com', 443), 'example.com');
    assert.equal(noProxyMatch('example.com', 'badexample.com', 443), null);
    assert.equal(noProxyMatch('.example.com', 'example.com', 443), '.example.com');
    assert.equal(noProxyMatch('*.corp', 'db.corp', 5432), '*.corp');
    assert.equal(noProxyMatch('localhost:3000', 'localhost', 3000), 'localhost:3000');
    assert.equal(noProxyMatch('localhost:3000', 'localhost', 3001), null);
    assert.equal(noProxyMatch('foo, 127.0.0.1 ,bar', '127.0.0.1', 80), '127.0.0.1');
    assert.equal(noProxyMatch('10.0.0.0/8', '10.1.2.3', 80), '10.0.0.0/8');
    assert.equal(noProxyMatch('10.0.0.0/8', '11.1.2.3', 80), null);
    assert.equal(noProxyMatch('[::1]:8080', '::1', 8080), '[::1]:8080');
    assert.equal(noProxyMatch('::1', '::1', 1), '::1');
    assert.equal(noProxyMatch('', 'x', 1), null);
  });

  it('picks the variable by scheme, lower case first, then ALL_PROXY, then VS Code', () => {
    const env = { HTTPS_PROXY: 'http://s:3128', http_proxy: 'http://lower:1', HTTP_PROXY: 'http://upper:2', NO_PROXY: 'internal.test' };
    assert.equal(proxyFor(target('https://x.test'), env, null).proxyForTarget, 'http://s:3128');
    assert.equal(proxyFor(target('http://x.test'), env, null).source, 'http_proxy');
    assert.equal(proxyFor(target('wss://x.test'), env, null).source, 'HTTPS_PROXY');
    assert.equal(proxyFor(target('https://a.internal.test'), env, null).bypassedBy, 'internal.test');
    assert.equal(proxyFor(target('postgres://db'), env, null).proxyForTarget, null);
    assert.equal(proxyFor(target('postgres://db'), { ALL_PROXY: 'socks5://s:1080' }, null).source, 'ALL_PROXY');
    assert.equal(proxyFor(target('https://x.test'), {}, 'http://vs:8888').source, 'vscode');
    assert.deepEqual(parseProxyUrl('http://u:p@h:3128'), { protocol: 'http', host: 'h', port: 3128, auth: 'u:p' });
    assert.equal(parseProxyUrl('socks5://h')?.port, 1080);
    assert.equal(parseProxyUrl('socks5h://h')?.port, 1080);
    assert.equal(parseProxyUrl('https://h')?.port, 443);
    assert.equal(parseProxyUrl('http://[::1]')?.host, '::1');
    assert.equal(parseProxyUrl('ftp://h'), null);
  });

  it('says direct when no proxy is configured', async () => {
    const r = await proxyProbe(target('https://x.test'), { env: {} });
    assertShape(r);
    assert.equal(r.status, 'ok');
    assert.equal(r.data.proxyForTarget, null);
    assert.equal(r.data.proxyAnswers, null);
  });

  it('checks a real CONNECT proxy: tunnel accepted, credentials masked, local target flagged', async () => {
    const upstream = await httpServer();
    const proxy = await connectProxy();
    servers.push(upstream, proxy);
    const env = { HTTP_PROXY: `http://alice:s3cret@127.0.0.1:${proxy.port}` };
    const r = await proxyProbe(target(`http://127.0.0.1:${upstream.port}`), { env });
    assert.equal(r.data.proxyAnswers?.outcome, 'accepted');
    assert.equal(r.data.proxyAnswers?.connectStatus, 200);
    assert.deepEqual(proxy.requests, [`CONNECT 127.0.0.1:${upstream.port} HTTP/1.1`]);
    assert.equal(r.data.localThroughProxy, true);
    assert.equal(r.status, 'fail');
    const text = JSON.stringify(r);
    assert.ok(!text.includes('s3cret'), 'password leaked');
    assert.ok(text.includes('alice:****@'));
  });

  it('reports a proxy that denies CONNECT and one that is down', async () => {
    const proxy = await connectProxy({ deny: true });
    servers.push(proxy);
    const denied = await proxyProbe(target('https://remote.test'), { env: { https_proxy: `http://127.0.0.1:${proxy.port}` } });
    assert.equal(denied.status, 'fail');
    assert.equal(denied.data.proxyAnswers?.connectStatus, 403);
    const down = await refusingPort();
    const refused = await proxyProbe(target('https://remote.test'), { env: { https_proxy: `http://127.0.0.1:${down.port}` } });
    assert.equal(refused.status, 'fail');
    assert.equal(refused.data.proxyAnswers?.outcome, 'refused');
    assert.equal(refused.error?.code, 'ECONNREFUSED');
  });
});

describe('probes/repeat', function () {
  this.timeout(20000);
  const servers: FaultServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('computes nearest-rank percentiles', () => {
    assert.equal(percentile([], 50), null);
    assert.equal(percentile([5], 95), 5);
    assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50), 5);
    assert.equal(percentile([10, 1, 9, 2, 8, 3, 7, 4, 6, 5], 95), 10);
  });

  it('reports a constant failure as 0/N', async () => {
    const s = await refusingPort();
    const r = await repeatProbe(target(`127.0.0.1:${s.port}`), { env: {}, attempts: 3, spacingMs: 20 });
    assertShape(r);
    assert.equal(r.data.kind, 'tcp');
    assert.equal(r.data.successes, 0);
    assert.equal(r.data.intermittent, false);
    assert.ok(r.data.outcomes.every((o) => o.outcome === 'refused'));
    assert.equal(r.status, 'fail');
    const reset = await resettingServer();
    servers.push(reset);
    const rr = await repeatProbe(target(`127.0.0.1:${reset.port}`), { env: {}, attempts: 2, spacingMs: 20 });
    assert.equal(rr.data.successes, 0);
  });

  it('reports all HTTP requests answered with p50/p95', async () => {
    const s = await httpServer();
    servers.push(s);
    const r = await repeatProbe(target(`http://127.0.0.1:${s.port}`), { env: {}, attempts: 4, spacingMs: 30 });
    assert.equal(r.data.kind, 'http');
    assert.equal(r.data.successes, 4);
    assert.equal(r.data.successRate, 1);
    assert.ok(r.data.p50 !== null && r.data.p95 !== null && r.data.p50 <= r.data.p95);
    assert.equal(r.status, 'ok');
  });

  it('tells an intermittent failure apart (a server that resets every other connection)', async () => {
    let n = 0;
    const server = createServer((s: Socket) => {
      s.on('error', () => undefined);
      n += 1;
      if (n % 2 === 0) s.resetAndDestroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    try {
      const r = await repeatProbe(target(`127.0.0.1:${port}`), { env: {}, attempts: 4, spacingMs: 150 });
      assert.equal(r.data.successes, 2, JSON.stringify(r.data.outcomes));
      assert.equal(r.data.intermittent, true);
      assert.match(r.summary, /intermittent/);
    } finally {
      server.close();
    }
  });
});
