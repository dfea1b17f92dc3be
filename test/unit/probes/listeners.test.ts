import { strict as assert } from 'node:assert';
import { coverageOf, decodeProcAddress, listenersProbe, parseLsof, parseNetstat, parseNetTcpJson, parseProcNetTcp, parseSsBacklogs } from '../../../src/core/probes/listeners';
import type { FaultServer } from '../../faults/servers';
import { acceptQueueFullServer, httpServer, refusingPort } from '../../faults/servers';
import { assertShape, target } from './helpers';

const linux = process.platform === 'linux';

describe('probes/listeners', function () {
  this.timeout(20000);
  const servers: FaultServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('decodes /proc/net/tcp addresses, including IPv6 word order and IPv4-mapped', () => {
    assert.equal(decodeProcAddress('0100007F', true), '127.0.0.1');
    assert.equal(decodeProcAddress('00000000', true), '0.0.0.0');
    assert.equal(decodeProcAddress('7F000001', false), '127.0.0.1');
    assert.equal(decodeProcAddress('00000000000000000000000001000000', true), '::1');
    assert.equal(decodeProcAddress('00000000000000000000000000000000', true), '::');
    assert.equal(decodeProcAddress('0000000000000000FFFF00000100007F', true), '127.0.0.1');
    assert.equal(decodeProcAddress('000080FE00000000FF005450B6AD1DFE', true), 'fe80::5054:ff:fe1d:adb6');
    assert.equal(decodeProcAddress('B80D0120000000000000000001000000', true), '2001:db8::1');
    assert.equal(decodeProcAddress('zz', true), null);
  });

  it('parses LISTEN rows with their accept queue', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:0BB8 00000000:0000 0A 00000000:00000002 00:00000000 00000000  1000        0 4242 1 0 100 0 0 10 0',
      '   1: 0100007F:0BB8 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 4243 1 0 20 4 30 10 -1',
    ].join('\n');
    const rows = parseProcNetTcp(text, 4, true);
    assert.equal(rows.length, 1);
    assert.deepEqual({ ...rows[0] }, { address: '127.0.0.1', port: 3000, family: 4, acceptQueue: 2, backlog: null, queueFull: false, inode: '4242' });
  });

  it('parses ss, lsof, netstat and PowerShell listener tables', () => {
    const ss = parseSsBacklogs('LISTEN 2      1      127.0.0.1:3000 0.0.0.0:*\nLISTEN 0 511 [::]:80 [::]:*\nLISTEN 0 4096 127.0.0.53%lo:53 0.0.0.0:*\nLISTEN 0 128 *:8080 *:*\n');
    assert.equal(ss.get('127.0.0.1|3000'), 1);
    assert.equal(ss.get('::|80'), 511);
    assert.equal(ss.get('127.0.0.53|53'), 4096);
    assert.equal(ss.get('0.0.0.0|8080'), 128);
    const lsof = parseLsof('p123\ncnode\ntIPv4\nn127.0.0.1:3000\ntIPv6\nn[::1]:3000\np7\ncnginx\ntIPv4\nn*:80\n');
    assert.deepEqual(lsof.map((l) => [l.address, l.port, l.family, l.pid, l.process]), [
      ['127.0.0.1', 3000, 4, 123, 'node'], ['::1', 3000, 6, 123, 'node'], ['0.0.0.0', 80, 4, 7, 'nginx'],
    ]);
    const ns = parseNetstat('  TCP    0.0.0.0:135     0.0.0.0:0     LISTENING     1044\n  TCP    [::1]:3000    [::]:0    LISTENING    88\n  TCP  127.0.0.1:5 127.0.0.1:6 ESTABLISHED 1\n');
    assert.deepEqual(ns.map((l) => [l.address, l.port, l.family, l.pid]), [['0.0.0.0', 135, 4, 1044], ['::1', 3000, 6, 88]]);
    const ps = parseNetTcpJson('[{"LocalAddress":"::","LocalPort":445,"OwningProcess":4},{"LocalAddress":"127.0.0.1","LocalPort":3000,"OwningProcess":9}]');
    assert.deepEqual(ps.map((l) => [l.address, l.port, l.family, l.pid]), [['::', 445, 6, 4], ['127.0.0.1', 3000, 4, 9]]);
    assert.deepEqual(parseNetTcpJson('not json'), []);
  });

  it('computes which target addresses a listener covers', () => {
    const l = (address: string) => ({ address, port: 1, family: (address.includes(':') ? 6 : 4) as 4 | 6, acceptQueue: 0, backlog: null, queueFull: false });
    const addrs = [{ address: '::1', family: 6 as const }, { address: '127.0.0.1', family: 4 as const }];
    assert.deepEqual(coverageOf(addrs, [l('127.0.0.1')]).map((c) => c.covered), [false, true]);
    assert.deepEqual(coverageOf(addrs, [l('::')]).map((c) => c.covered), [true, true]);
    assert.deepEqual(coverageOf(addrs, [l('::')], true).map((c) => c.covered), [true, false]);
    assert.deepEqual(coverageOf(addrs, [l('0.0.0.0')]).map((c) => c.by), [null, '0.0.0.0']);
  });

  (linux ? it : it.skip)('finds a real listener, its process, and the IPv6 gap for ::1', async () => {
    const s = await httpServer({ host: '127.0.0.1' });
    servers.push(s);
    const resolved = {
      host: 'localhost', ipLiteral: false, lookup: null, dns4: null, dns6: null, hostsFile: null, hostsFileOverride: false, disagree: false,
      addresses: [{ address: '::1', family: 6 as const }, { address: '127.0.0.1', family: 4 as const }], firstFamily: 6 as const, failure: null,
    };
    const r = await listenersProbe(target(`localhost:${s.port}`), { env: {}, resolved });
    assertShape(r);
    assert.equal(r.data.source, 'proc');
    assert.equal(r.data.onTargetPort, true);
    const mine = r.data.listeners.find((l) => l.address === '127.0.0.1');
    assert.ok(mine);
    assert.equal(mine.pid, process.pid);
    assert.deepEqual(r.data.coverage.map((c) => [c.address, c.covered]), [['::1', false], ['127.0.0.1', true]]);
    assert.equal(r.status, 'fail');
    assert.match(r.summary, /not listening on ::1/);
  });

  (linux ? it : it.skip)('reports nothing on a free port, with the nearby listener', async () => {
    const near = await httpServer();
    servers.push(near);
    const free = await refusingPort();
    // A port within ±10 of the listener that nothing uses.
    let port = near.port + 3;
    if (port > 65535 || port === free.port) port = near.port - 3;
    const r = await listenersProbe(target(`127.0.0.1:${port}`), { env: {} });
    if (r.data.listeners.length === 0) {
      assert.equal(r.data.onTargetPort, false);
      assert.ok(r.data.nearby.some((l) => l.port === near.port), JSON.stringify(r.data.nearby));
      assert.match(r.summary, /nothing listens/);
    }
  });

  (linux ? it : it.skip)('shows a full accept queue (a listener that stopped accepting)', async () => {
    const q = await acceptQueueFullServer(1);
    servers.push(q);
    await q.fill();
    const r = await listenersProbe(target(`127.0.0.1:${q.port}`), { env: {} });
    const l = r.data.listeners[0];
    assert.ok(l, 'listener missing');
    assert.ok((l.acceptQueue ?? 0) > 0, `accept queue ${String(l.acceptQueue)}`);
    if (l.backlog !== null) {
      assert.equal(l.backlog, 1);
      assert.equal(l.queueFull, true);
      assert.equal(r.status, 'fail');
      assert.match(r.summary, /FULL/);
    }
  });
});
