import * as assert from 'node:assert/strict';
import { bracketHost, hostPort, shownHostPort, isLocalhostName, isLoopbackAddress, isLoopbackHost, isWildcardAddress, splitHostPort, urlHost } from '../../../src/core/target/address';
import { clip } from '../../../src/core/clip';
import { defaultPort, programScheme, SCHEME_PORTS, TLS_SCHEMES } from '../../../src/core/target/schemes';

describe('target/address', () => {
  it('writes host:port with brackets around IPv6 literals, once', () => {
    assert.equal(hostPort('127.0.0.1', 5432), '127.0.0.1:5432');
    assert.equal(hostPort('::1', 443), '[::1]:443');
    assert.equal(hostPort('[::1]', 443), '[::1]:443');
    assert.equal(hostPort('db.internal', null), 'db.internal');
    assert.equal(hostPort('fe80::1%eth0', undefined), '[fe80::1%eth0]');
    assert.equal(bracketHost('example.com'), 'example.com');
    assert.equal(shownHostPort('::1', 443), '[::1]:443');
    assert.equal(shownHostPort(null, 5432), '?:5432');
    assert.equal(shownHostPort('db', null), 'db:?');
  });

  it('escapes an IPv6 zone for a URL authority', () => {
    assert.equal(urlHost('fe80::1%eth0'), '[fe80::1%25eth0]');
    assert.equal(urlHost('[::1]'), '[::1]');
    assert.equal(urlHost('example.com'), 'example.com');
  });

  it('splits every host:port form seen in output', () => {
    assert.deepEqual(splitHostPort('example.com:8080'), { host: 'example.com', port: '8080' });
    assert.deepEqual(splitHostPort('example.com'), { host: 'example.com', port: null });
    assert.deepEqual(splitHostPort('[::1]:3000'), { host: '::1', port: '3000' });
    assert.deepEqual(splitHostPort('[::1]'), { host: '::1', port: null });
    // Node prints [::1]:3000 as ::1:3000.
    assert.deepEqual(splitHostPort('::1:3000'), { host: '::1', port: '3000' });
    assert.deepEqual(splitHostPort('2001:db8::1:443'), { host: '2001:db8::1', port: '443' });
    assert.deepEqual(splitHostPort('1:2:3:4:5:6:7:8:443'), { host: '1:2:3:4:5:6:7:8', port: '443' });
    // A bare address whose last group is decimal is not read as a port.
    assert.deepEqual(splitHostPort('fe80::1'), { host: 'fe80::1', port: null });
    assert.deepEqual(splitHostPort('2001:db8::1'), { host: '2001:db8::1', port: null });
    assert.ok(splitHostPort('[::1').error);
    assert.ok(splitHostPort('[::1]x').error);
  });

  it('tells loopback names and addresses from others', () => {
    for (const h of ['127.0.0.1', '127.8.9.10', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::1%lo']) assert.ok(isLoopbackAddress(h), h);
    for (const h of ['10.0.0.1', '128.0.0.1', '::2', 'localhost', '127.0.0.256', '1127.0.0.1']) assert.ok(!isLoopbackAddress(h), h);
    for (const h of ['localhost', 'LOCALHOST', 'app.localhost', 'localhost.', 'localhost.localdomain']) assert.ok(isLocalhostName(h), h);
    for (const h of ['localhost.example.com', 'mylocalhost', '127.0.0.1']) assert.ok(!isLocalhostName(h), h);
    assert.ok(isLoopbackHost('localhost') && isLoopbackHost('127.0.0.1') && !isLoopbackHost('example.com'));
    assert.ok(isWildcardAddress('0.0.0.0') && isWildcardAddress('::') && isWildcardAddress('[::]') && !isWildcardAddress('::1'));
  });
});

describe('target/schemes', () => {
  it('has one default port per scheme, TLS schemes included', () => {
    assert.equal(defaultPort('postgresql'), 5432);
    assert.equal(defaultPort('REDISS'), 6379);
    assert.equal(defaultPort('grpcs'), 443);
    assert.equal(defaultPort('nope'), null);
    assert.equal(defaultPort(null), null);
    for (const s of TLS_SCHEMES) assert.ok(SCHEME_PORTS[s] !== undefined, `${s} has a default port`);
  });

  it('knows which service a client program speaks', () => {
    assert.equal(programScheme('psql'), 'postgresql');
    assert.equal(programScheme('/usr/bin/redis-cli'), 'redis');
    assert.equal(programScheme('MYSQL.EXE'), 'mysql');
    assert.equal(programScheme('ssh'), 'ssh');
    assert.equal(programScheme('node'), null);
  });
});

describe('clip', () => {
  it('keeps short text and cuts long text to exactly the limit, ending in an ellipsis', () => {
    assert.equal(clip('abc', 3), 'abc');
    assert.equal(clip('abcd', 3), 'ab…');
    assert.equal(clip('abcd', 3).length, 3);
    assert.equal(clip('', 0), '');
  });
});
