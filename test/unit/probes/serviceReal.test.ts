/**
 * The service probe against real servers of each protocol Debian ships (PostgreSQL, MariaDB,
 * Redis, OpenSSH), started privately on loopback (test/support/realServers.ts).
 */
import { strict as assert } from 'node:assert';
import { serviceProbe } from '../../../src/core/probes/service';
import type { ServiceData } from '../../../src/core/probes/types';
import type { Incident, ProbeResult } from '../../../src/core/types';
import { testCerts } from '../../faults/certs';
import { PG_BIN, requireBinary, startMariadb, startPostgres, startRedis, startSshd } from '../../support/realServers';
import type { RealServer } from '../../support/realServers';
import { assertShape, target } from './helpers';

const probe = (t: string, extra: { incident?: Incident; commandLine?: string } = {}): Promise<ProbeResult<ServiceData>> =>
  serviceProbe(target(t), { env: {}, timeoutMs: 3000, ...extra });

/** An incident as the detector makes it, for the fields the service choice reads. */
function incident(ecosystem: string, rule: string, text: string, port: number): Incident {
  return { key: 'k', category: 'closed', also: [], code: null, syscall: null, host: '127.0.0.1', port, url: null, ecosystem, rule, count: 1, text, line: 1, endLine: 1, firstSeen: 0, lastSeen: 0 };
}

describe('service probe: real PostgreSQL', function () {
  this.timeout(120_000);
  let plain: RealServer;
  let tls: RealServer;
  before(async function () {
    requireBinary(this, `${PG_BIN}/initdb`, 'postgresql');
    const certs = await testCerts();
    [plain, tls] = await Promise.all([startPostgres(), startPostgres({ tls: certs.valid, tlsOnly: true })]);
  });
  after(async () => {
    await Promise.all([plain?.stop(), tls?.stop()]);
  });

  it('a server without TLS answers N to the SSLRequest, then asks for a SCRAM password', async () => {
    const r = await probe(`postgres://127.0.0.1:${plain.port}/db`);
    assertShape(r);
    assert.equal(r.status, 'ok', r.summary);
    assert.equal(r.data.recognized, true);
    assert.equal(r.data.tlsOffered, false);
    assert.equal(r.data.auth, 'required');
    assert.match(String(r.data.details.auth), /SCRAM-SHA-256/);
  });

  it('decided from the failing program when the target has no scheme, and says so', async () => {
    const r = await probe(`127.0.0.1:${plain.port}`, { incident: incident('postgres', 'postgres.refused', 'psql: error: connection to server', plain.port) });
    assert.equal(r.data.service, 'postgresql');
    assert.equal(r.data.chosenBy, 'incident');
    assert.match(r.summary, /postgres/);
    assert.equal(r.data.recognized, true);
  });

  it('sslmode=require against that server: the client requires TLS and the server does not offer it', async () => {
    const r = await probe(`postgres://127.0.0.1:${plain.port}/db?sslmode=require`);
    assert.equal(r.status, 'fail');
    assert.equal(r.data.clientTls, 'required');
    assert.equal(r.data.tlsOffered, false);
    assert.match(r.summary, /requires TLS/);
  });

  it('a TLS-only server answers S, and turns a plaintext client away with "no encryption"', async () => {
    const r = await probe(`postgres://127.0.0.1:${tls.port}/db?sslmode=disable`);
    assert.equal(r.data.tlsOffered, true);
    assert.equal(r.data.tlsRequired, true, r.summary);
    assert.equal(r.data.serverErrorCode, '28000');
    assert.equal(r.status, 'fail');
  });
});

describe('service probe: real MariaDB', function () {
  this.timeout(120_000);
  let db: RealServer;
  before(async function () {
    requireBinary(this, '/usr/sbin/mariadbd', 'mariadb-server');
    db = await startMariadb();
  });
  after(async () => db?.stop());

  it('reads the greeting: version, protocol 10 and whether CLIENT_SSL is offered', async () => {
    const r = await probe(`127.0.0.1:${db.port}`, { commandLine: `mariadb -h 127.0.0.1 -P ${db.port} -u app` });
    assert.equal(r.data.service, 'mysql');
    assert.equal(r.data.chosenBy, 'command');
    assert.equal(r.data.recognized, true);
    assert.match(r.data.version ?? '', /MariaDB/);
    assert.equal(r.data.details.protocol, 10);
    assert.equal(typeof r.data.tlsOffered, 'boolean');
  });

  it('--ssl-mode=REQUIRED against a server without TLS is named', async function () {
    const first = await probe(`mysql://127.0.0.1:${db.port}`);
    if (first.data.tlsOffered !== false) this.skip();
    const r = await probe(`127.0.0.1:${db.port}`, { commandLine: `mysql --ssl-mode=REQUIRED -h 127.0.0.1 -P ${db.port}` });
    assert.equal(r.data.clientTls, 'required');
    assert.equal(r.status, 'fail');
  });
});

describe('service probe: real Redis', function () {
  this.timeout(60_000);
  let open: RealServer;
  let locked: RealServer;
  before(async function () {
    requireBinary(this, '/usr/bin/redis-server', 'redis-server');
    [open, locked] = await Promise.all([startRedis(), startRedis({ password: 'probe-test' })]);
  });
  after(async () => {
    await Promise.all([open?.stop(), locked?.stop()]);
  });

  it('PING gets +PONG, and INFO the version', async () => {
    const r = await probe(`redis://127.0.0.1:${open.port}`);
    assert.equal(r.status, 'ok');
    assert.equal(r.data.auth, 'ok');
    assert.match(r.data.version ?? '', /^\d+\.\d+/);
  });

  it('a password-protected server answers -NOAUTH: reachable, credentials needed', async () => {
    const r = await probe(`127.0.0.1:${locked.port}`, { commandLine: `redis-cli -h 127.0.0.1 -p ${locked.port} ping` });
    assert.equal(r.data.chosenBy, 'command');
    assert.equal(r.data.auth, 'required');
    assert.equal(r.data.serverErrorCode, 'NOAUTH');
    assert.equal(r.status, 'ok', 'the service itself is healthy');
  });

  it('redis-cli --tls against a plaintext server: the port answers in plaintext, not TLS', async () => {
    const r = await probe(`127.0.0.1:${open.port}`, { commandLine: `redis-cli --tls -h 127.0.0.1 -p ${open.port}` });
    assert.equal(r.data.usedTls, true);
    assert.equal(r.data.tlsOffered, false);
    assert.equal(r.data.recognized, true, 'Redis answers PING in plaintext');
    assert.equal(r.status, 'fail');
  });
});

describe('service probe: real OpenSSH', function () {
  this.timeout(60_000);
  let sshd: RealServer;
  before(async function () {
    requireBinary(this, '/usr/sbin/sshd', 'openssh-server');
    sshd = await startSshd();
  });
  after(async () => sshd?.stop());

  it('reads the SSH-2.0 banner and its software version', async () => {
    const r = await probe(`127.0.0.1:${sshd.port}`, { incident: incident('ssh', 'ssh.connect-to-host', 'ssh: connect to host 127.0.0.1 port 22: Connection timed out', sshd.port) });
    assert.equal(r.status, 'ok', r.summary);
    assert.equal(r.data.service, 'ssh');
    assert.match(r.data.version ?? '', /^SSH-2\.0-OpenSSH/);
  });
});
