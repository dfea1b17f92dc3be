/**
 * The service probe's evidence in the ranking: real client output (psql, ssh, redis-cli, mariadb,
 * recorded from the real programs against these servers) with live probes against real servers
 * and fakes; the cause the probes show ranks first, and the report formats show the service row.
 */
import { strict as assert } from 'node:assert';
import { runDiagnosis } from '../../../src/core/diagnose/diagnose';
import { renderReport } from '../../../src/core/diagnose/report';
import { renderText } from '../../../src/core/diagnose/textReport';
import type { Category, Diagnosis, Incident } from '../../../src/core/types';
import { testCerts } from '../../faults/certs';
import { httpServer, silentServer, tlsSocketServer } from '../../faults/servers';
import { PG_BIN, requireBinary, startPostgres, startRedis } from '../../support/realServers';
import type { RealServer } from '../../support/realServers';
import { target, useServers } from './helpers';

function incident(category: Category, ecosystem: string, rule: string, port: number, text: string): Incident {
  return { key: 'k', category, also: [], code: null, syscall: null, host: '127.0.0.1', port, url: null, ecosystem, rule, count: 1, text, line: 1, endLine: 1, firstSeen: 0, lastSeen: 0 };
}

const diagnose = (t: string, inc: Incident | null): Promise<Diagnosis> => runDiagnosis(target(t), inc, { timeoutMs: 1500, attempts: 2, env: {} });
const ranking = (d: Diagnosis): string => d.causes.map((c) => `${c.id} ${c.confidence}`).join(', ');

describe('service evidence in the ranking', function () {
  this.timeout(120_000);
  const { start } = useServers();
  let pg: RealServer;
  let redis: RealServer;
  before(async function () {
    requireBinary(this, `${PG_BIN}/initdb`, 'postgresql');
    requireBinary(this, '/usr/bin/redis-server', 'redis-server');
    [pg, redis] = await Promise.all([startPostgres(), startRedis({ password: 'probe-test' })]);
  });
  after(async () => {
    await Promise.all([pg?.stop(), redis?.stop()]);
  });

  it('HTTP on the PostgreSQL port (psql: "received invalid response to SSL negotiation: H") → wrong-service-on-port', async () => {
    const s = await start(httpServer());
    const d = await diagnose(`127.0.0.1:${s.port}`, incident('closed', 'postgres', 'postgres.closed', s.port, `psql: error: connection to server at "127.0.0.1", port ${s.port} failed: received invalid response to SSL negotiation: H`));
    assert.equal(d.causes[0]?.id, 'wrong-service-on-port', ranking(d));
    assert.match(d.verdict, /answers http, not postgresql/);
  });

  it('a server silent after accept (ssh: "Connection timed out during banner exchange") → handshake-stall', async () => {
    const s = await start(silentServer());
    const d = await diagnose(`127.0.0.1:${s.port}`, incident('timeout', 'ssh', 'ssh.connect-to-host', s.port, `Connection timed out during banner exchange\nConnection to 127.0.0.1 port ${s.port} timed out`));
    assert.equal(d.causes[0]?.id, 'handshake-stall', ranking(d));
    assert.ok(d.causes[0]?.fixes.some((f) => f.code?.source.includes('ConnectTimeout')), 'the ssh fix');
  });

  it('psql sslmode=require against a server without TLS → service-no-tls, with the libpq fix', async () => {
    const d = await diagnose(`127.0.0.1:${pg.port}`, incident('tls', 'postgres', 'postgres.closed', pg.port, `psql: error: connection to server at "127.0.0.1", port ${pg.port} failed: server does not support SSL, but SSL was required`));
    assert.equal(d.causes[0]?.id, 'service-no-tls', ranking(d));
    assert.ok(d.causes[0]?.fixes.some((f) => f.text.includes('sslmode')));
  });

  it('redis-cli "NOAUTH Authentication required." → auth-not-network: the network is fine', async () => {
    const d = await diagnose(`127.0.0.1:${redis.port}`, incident('closed', 'redis', 'redis.could-not-connect', redis.port, 'NOAUTH Authentication required.'));
    assert.equal(d.causes[0]?.id, 'auth-not-network', ranking(d));
    assert.match(d.verdict, /network is fine/);
  });

  it('plaintext Redis client against a TLS-only port → service-requires-tls', async () => {
    const certs = await testCerts();
    const s = await start(tlsSocketServer(certs.valid, (sock) => sock.on('data', () => sock.write('+PONG\r\n'))));
    const d = await diagnose(`127.0.0.1:${s.port}`, incident('closed', 'redis', 'redis.could-not-connect', s.port, `Error: Server closed the connection`));
    assert.equal(d.causes[0]?.id, 'service-requires-tls', ranking(d));
  });

  it('a healthy PostgreSQL without an incident: never an empty cause list, and the service row in every format', async () => {
    const d = await diagnose(`postgres://127.0.0.1:${pg.port}/app`, null);
    assert.deepEqual(d.causes.map((c) => c.id), ['healthy-from-here'], ranking(d));
    const service = d.probes.find((p) => p.id === 'service');
    assert.equal(service?.status, 'ok');
    assert.match(renderText(d), /ok +service +\d+ ms {2}PostgreSQL answered the SSLRequest with N \(no TLS\)/);
    assert.match(renderReport(d, { os: 'linux', arch: 'x64', runtimes: {}, proxy: {} }), /\| service \| ok \| \d+ ms \| PostgreSQL answered the SSLRequest with N/);
    const json = JSON.parse(JSON.stringify(d)) as Diagnosis;
    assert.equal((json.probes.find((p) => p.id === 'service')?.data as { tlsOffered?: unknown }).tlsOffered, false);
  });
});
