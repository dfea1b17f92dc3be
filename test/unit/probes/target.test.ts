import { strict as assert } from 'node:assert';
import { networkInterfaces } from 'node:os';
import { isLocalHost, parseTarget, parseTargetOrName, targetFromIncident } from '../../../src/core/probes/target';
import type { Incident, Target } from '../../../src/core/types';

function ok(input: string): Target {
  const t = parseTarget(input);
  if ('error' in t) assert.fail(`${input}: ${t.error}`);
  return t;
}

function bad(input: string): string {
  const t = parseTarget(input);
  assert.ok('error' in t, `${input} should be rejected, got ${JSON.stringify(t)}`);
  return t.error;
}

function incident(partial: Partial<Incident>): Incident {
  return {
    key: 'k', category: 'refused', also: [], code: 'ECONNREFUSED', syscall: 'connect', host: null, port: null, url: null,
    ecosystem: 'node', rule: 'r', count: 1, text: '', line: 1, endLine: 1, firstSeen: 0, lastSeen: 0, ...partial,
  };
}

describe('probes/target', () => {
  it('reads web URLs with default and explicit ports, dropping credentials and fragments', () => {
    assert.deepEqual(ok('https://example.com'), { host: 'example.com', port: 443, scheme: 'https', url: 'https://example.com/' });
    assert.deepEqual(ok('http://localhost:3000/api?q=1#frag'), { host: 'localhost', port: 3000, scheme: 'http', url: 'http://localhost:3000/api?q=1' });
    assert.equal(ok('ws://h').port, 80);
    assert.equal(ok('wss://h').port, 443);
    const t = ok('https://user:secret@api.example.com:8443/x');
    assert.equal(t.port, 8443);
    assert.ok(!t.url?.includes('secret'));
    assert.equal(ok('HTTPS://Example.COM.').host, 'example.com');
  });

  it('knows the default ports of database and service schemes', () => {
    const cases: [string, number][] = [
      ['postgres://u:p@db/app', 5432], ['postgresql://db', 5432], ['mysql://db', 3306], ['redis://cache', 6379],
      ['rediss://cache', 6379], ['mongodb://m1:27018,m2:27019/app', 27018], ['amqp://mq', 5672], ['amqps://mq', 5671],
      ['ssh://git@host', 22], ['ftp://host', 21], ['smtp://mail', 25],
    ];
    for (const [input, port] of cases) assert.equal(ok(input).port, port, input);
    assert.equal(ok('mongodb://m1:27018,m2:27019/app').host, 'm1');
  });

  it('reads host:port, [ipv6]:port, zones and Node-style ipv6:port', () => {
    assert.deepEqual(ok('db.internal:5432'), { host: 'db.internal', port: 5432, scheme: null, url: null });
    assert.deepEqual(ok('127.0.0.1:8080'), { host: '127.0.0.1', port: 8080, scheme: null, url: null });
    assert.equal(ok('[::1]:3000').host, '::1');
    assert.equal(ok('[fe80::1%eth0]:8080').host, 'fe80::1%eth0');
    assert.equal(ok('http://[::1]:3000/').host, '::1');
    assert.equal(ok('http://[fe80::1%25eth0]:80/').host, 'fe80::1%eth0');
    const node = ok('::1:3000');
    assert.deepEqual([node.host, node.port], ['::1', 3000]);
    const zoned = ok('fe80::1%eth0:8080');
    assert.deepEqual([zoned.host, zoned.port], ['fe80::1%eth0', 8080]);
  });

  it('rejects junk with one clear line', () => {
    assert.match(bad(''), /empty/);
    assert.match(bad('localhost'), /no port/);
    assert.match(bad('fe80::1%eth0'), /no port/);
    assert.match(bad('host:99999'), /invalid port/);
    assert.match(bad('host:0'), /invalid port/);
    assert.match(bad('ho st:80'), /spaces/);
    assert.match(bad('bad_host!:80'), /not a host/);
    assert.match(bad('unknownscheme://host'), /no default port/);
    assert.match(bad('http://'), /no host/);
    assert.match(bad('[::1:80'), /missing/);
    assert.match(bad('[nothex]:80'), /not an IPv6/);
    assert.match(bad('://x'), /scheme/);
    for (const e of [bad('a:b:c'), bad('x'.repeat(3000))]) assert.equal(e.includes('\n'), false);
  });

  it('builds a target from an incident: URL first, else host and port', () => {
    assert.deepEqual(targetFromIncident(incident({ url: 'https://api.test/v1', host: 'api.test', port: 443 })), { host: 'api.test', port: 443, scheme: 'https', url: 'https://api.test/v1' });
    assert.deepEqual(targetFromIncident(incident({ host: '::1', port: 3000 })), { host: '::1', port: 3000, scheme: null, url: null });
    assert.deepEqual(targetFromIncident(incident({ host: '127.0.0.1', port: 5432 })), { host: '127.0.0.1', port: 5432, scheme: null, url: null });
    assert.equal(targetFromIncident(incident({ host: 'x.test', port: null })), null);
  });

  it('reads a host written alone as a name-only target, and only that', () => {
    for (const [input, host] of [['db.internal', 'db.internal'], ['10.0.0.7', '10.0.0.7'], ['[fe80::1]', 'fe80::1'], ['fe80::1', 'fe80::1']] as const) {
      const t = parseTargetOrName(input);
      assert.ok(!('error' in t) && t.nameOnly === true && t.host === host, `${input}: ${JSON.stringify(t)}`);
    }
    const withPort = parseTargetOrName('db.internal:5432');
    assert.ok(!('error' in withPort) && withPort.nameOnly === undefined && withPort.port === 5432);
    for (const junk of ['http:///x', 'a b', 'host/path', '']) assert.ok('error' in parseTargetOrName(junk), junk);
  });

  it('gives a DNS failure that names only a host a name-only target; other failures need a port', () => {
    const dns = targetFromIncident(incident({ category: 'dns', code: 'ENOTFOUND', host: 'db.internal' }));
    assert.deepEqual(dns && { host: dns.host, nameOnly: dns.nameOnly }, { host: 'db.internal', nameOnly: true });
    assert.equal(targetFromIncident(incident({ category: 'refused', host: 'db.internal' })), null);
  });

  it('tells this machine from others', () => {
    for (const h of ['localhost', 'LOCALHOST', 'app.localhost', '127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', '0.0.0.0']) assert.equal(isLocalHost(h), true, h);
    const own = Object.values(networkInterfaces()).flatMap((l) => l ?? []).find((i) => !i.internal);
    if (own) assert.equal(isLocalHost(own.address), true, own.address);
    for (const h of ['198.51.100.7', 'example.com', '2001:db8::1']) assert.equal(isLocalHost(h), false, h);
  });
});
