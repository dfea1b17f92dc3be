/**
 * The service probe against misbehaving fakes on loopback (silent after accept, another protocol
 * on the port, TLS where plaintext is expected and the reverse) and against small fakes of the
 * protocols Debian ships no server for here (MongoDB, AMQP, Kafka, SMTP, IMAP, POP3), plus the
 * choice of the service itself.
 */
import { strict as assert } from 'node:assert';
import { createSecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { chooseService, clientTlsOf, programOf } from '../../../src/core/probes/service/choose';
import { serviceProbe } from '../../../src/core/probes/service';
import { spokenBy } from '../../../src/core/probes/service/sniff';
import type { ServiceData } from '../../../src/core/probes/types';
import type { Incident, ProbeResult } from '../../../src/core/types';
import { testCerts } from '../../faults/certs';
import { bannerServer, httpServer, scriptedServer, silentServer, tlsSocketServer } from '../../faults/servers';
import { refusedPort } from '../../support/refusedPort';
import { assertShape, settleSockets, socketCount, target, useServers } from './helpers';

const probe = (t: string, extra: { incident?: Incident; commandLine?: string; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ProbeResult<ServiceData>> =>
  serviceProbe(target(t), { env: {}, timeoutMs: 1500, ...extra });

function incident(ecosystem: string | null, rule: string, port: number, text = 'error'): Incident {
  return { key: 'k', category: 'timeout', also: [], code: null, syscall: null, host: '127.0.0.1', port, url: null, ecosystem, rule, count: 1, text, line: 1, endLine: 1, firstSeen: 0, lastSeen: 0 };
}

function bsonDoc(fields: Array<[string, 'double' | 'bool' | 'int' | 'string', number | boolean | string]>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, type, value] of fields) {
    const key = Buffer.from(`${name}\0`);
    if (type === 'double') {
      const v = Buffer.alloc(8);
      v.writeDoubleLE(value as number);
      parts.push(Buffer.from([0x01]), key, v);
    } else if (type === 'bool') parts.push(Buffer.from([0x08]), key, Buffer.from([value ? 1 : 0]));
    else if (type === 'int') {
      const v = Buffer.alloc(4);
      v.writeInt32LE(value as number);
      parts.push(Buffer.from([0x10]), key, v);
    } else {
      const str = Buffer.from(`${String(value)}\0`);
      const len = Buffer.alloc(4);
      len.writeInt32LE(str.length);
      parts.push(Buffer.from([0x02]), key, len, str);
    }
  }
  const body = Buffer.concat([...parts, Buffer.from([0])]);
  const size = Buffer.alloc(4);
  size.writeInt32LE(body.length + 4);
  return Buffer.concat([size, body]);
}

describe('service probe: which service, and why', () => {
  it('the failing program decides first, then the command line, the scheme, the port', () => {
    const t = target('127.0.0.1:6379');
    assert.deepEqual(chooseService(t, incident('postgres', 'postgres.refused', 6379), 'redis-cli').service, 'postgresql');
    assert.equal(chooseService(t, null, 'redis-cli -p 6379 ping').by, 'command');
    assert.equal(chooseService(target('mysql://127.0.0.1:6379'), null, null).service, 'mysql');
    const byPort = chooseService(t, null, null);
    assert.equal(byPort.service, 'redis');
    assert.equal(byPort.by, 'port');
    assert.match(byPort.why, /6379/);
    assert.equal(chooseService(target('127.0.0.1:4567'), null, null).service, null);
  });

  it('the rule names the service when the ecosystem is a generic runtime', () => {
    const d = chooseService(target('127.0.0.1:1234'), incident('python', 'redis.py.error-connecting', 1234), null);
    assert.equal(d.service, 'redis');
    assert.match(d.why, /redis\.py\.error-connecting/);
  });

  it('reads the program behind env assignments, sudo and paths', () => {
    assert.equal(programOf('PGPASSWORD=x sudo /usr/bin/psql -h db'), 'psql');
    assert.equal(programOf('  mariadb.exe -u root'), 'mariadb');
  });

  it('reads what the client asked of TLS from the URL, the command line and the error text', () => {
    assert.equal(clientTlsOf('postgresql', target('postgres://db:5432/x?sslmode=require'), null, null).clientTls, 'required');
    assert.equal(clientTlsOf('postgresql', target('postgres://db:5432/x?sslmode=disable'), null, null).clientTls, 'disabled');
    assert.equal(clientTlsOf('mysql', target('db:3306'), null, 'mysql --ssl-mode=REQUIRED -h db').clientTls, 'required');
    assert.equal(clientTlsOf('redis', target('rediss://db:6380'), null, null).clientTls, 'required');
    const fromText = clientTlsOf('postgresql', target('db:5432'), incident('postgres', 'postgres.closed', 5432, 'psql: error: server does not support SSL, but SSL was required'), null);
    assert.deepEqual(fromText, { clientTls: 'required', from: 'the error text' });
    assert.equal(clientTlsOf('postgresql', target('db:5432'), null, 'psql "host=db sslmode=prefer"').clientTls, null);
  });

  it('names protocols from their first bytes', () => {
    assert.equal(spokenBy(Buffer.from('SSH-2.0-x\r\n')), 'ssh');
    assert.equal(spokenBy(Buffer.from('HTTP/1.1 400 Bad Request\r\n')), 'http');
    assert.equal(spokenBy(Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46])), 'tls');
    assert.equal(spokenBy(Buffer.from('220 ftp.example FTP server ready\r\n')), 'ftp');
    assert.equal(spokenBy(Buffer.from('-ERR unknown command\r\n')), 'redis');
    assert.equal(spokenBy(Buffer.from('hello')), null);
  });
});

describe('service probe: misbehaving servers', function () {
  this.timeout(20_000);
  const { start } = useServers();

  it('silent after accept (client-first): a stalled handshake, not a healthy service', async () => {
    const s = await start(silentServer());
    const r = await probe(`postgres://127.0.0.1:${s.port}/x`);
    assertShape(r);
    assert.equal(r.status, 'fail');
    assert.equal(r.data.outcome, 'silent');
    assert.equal(r.data.stalled, true);
    assert.match(r.summary, /no PostgreSQL answer/);
  });

  it('silent after accept (server-first): no SSH banner, and silent to an HTTP request too', async () => {
    const s = await start(silentServer());
    const r = await probe(`127.0.0.1:${s.port}`, { incident: incident('ssh', 'ssh.connect-to-host', s.port) });
    assert.equal(r.data.stalled, true);
    assert.equal(r.data.spoken, null);
    assert.match(r.summary, /no SSH/);
  });

  it('HTTP on the PostgreSQL port: the wrong service, named', async () => {
    const s = await start(httpServer());
    const r = await probe(`127.0.0.1:${s.port}`, { incident: incident('postgres', 'postgres.closed', s.port) });
    assert.equal(r.status, 'fail');
    assert.equal(r.data.wrongService, true);
    assert.equal(r.data.spoken, 'http');
    assert.match(r.summary, /answers HTTP, not PostgreSQL/);
  });

  it('HTTP where SSH is expected: no banner, and the nudge shows an HTTP server', async () => {
    const s = await start(httpServer());
    const r = await probe(`ssh://127.0.0.1:${s.port}`);
    assert.equal(r.data.stalled, true);
    assert.equal(r.data.wrongService, true);
    assert.equal(r.data.spoken, 'http');
  });

  it('an SSH banner where MySQL is expected', async () => {
    const s = await start(bannerServer());
    const r = await probe(`mysql://127.0.0.1:${s.port}`);
    assert.equal(r.data.spoken, 'ssh');
    assert.equal(r.data.wrongService, true);
  });

  it('TLS where plaintext Redis is expected: the port speaks TLS, the client must use it', async () => {
    const certs = await testCerts();
    const s = await start(tlsSocketServer(certs.valid, (sock) => sock.on('data', () => sock.write('+PONG\r\n'))));
    const r = await probe(`redis://127.0.0.1:${s.port}`);
    assert.equal(r.status, 'fail');
    assert.equal(r.data.spoken, 'tls');
    assert.equal(r.data.tlsRequired, true);
    assert.match(r.summary, /speaks TLS/);
  });

  it('plaintext where TLS is expected (rediss://): TLS not offered, the service answers in plaintext', async () => {
    const s = await start(scriptedServer({ answer: (b, sock) => void (b.toString('latin1').endsWith('PING\r\n') && sock.write('+PONG\r\n')) }));
    const r = await probe(`rediss://127.0.0.1:${s.port}`);
    assert.equal(r.data.usedTls, true);
    assert.equal(r.data.tlsOffered, false);
    assert.equal(r.data.recognized, true);
    assert.equal(r.status, 'fail');
  });

  it('plain HTTP where HTTPS is expected: the port answers the ClientHello in plaintext', async () => {
    const s = await start(httpServer());
    const r = await probe(`https://127.0.0.1:${s.port}/`);
    assert.equal(r.data.tlsOffered, false);
    assert.match(String(r.data.details.tlsHandshake), /plaintext/);
  });

  it('a refused port costs no wait and leaves the tcp probe to explain', async () => {
    const port = await refusedPort();
    const r = await probe(`postgres://127.0.0.1:${port}/x`);
    assert.equal(r.status, 'skipped');
    assert.equal(r.data.outcome, 'refused');
  });

  it('aborting stops a stalled conversation at once and leaves no socket', async () => {
    const s = await start(silentServer());
    const before = socketCount();
    const ac = new AbortController();
    const running = probe(`127.0.0.1:${s.port}`, { incident: incident('ssh', 'ssh.connect-to-host', s.port), signal: ac.signal, timeoutMs: 60_000 });
    setTimeout(() => ac.abort(), 50);
    const r = await running;
    assert.equal(r.status, 'skipped');
    assert.equal(r.data.outcome, 'aborted');
    assert.ok((await settleSockets(before)) <= before);
  });
});

describe('service probe: protocol fakes', function () {
  this.timeout(20_000);
  const { start } = useServers();

  it('MongoDB hello over OP_MSG', async () => {
    const doc = bsonDoc([['isWritablePrimary', 'bool', true], ['maxWireVersion', 'int', 21], ['ok', 'double', 1]]);
    const s = await start(scriptedServer({
      answer: (b, sock) => {
        if (b.length < 4 || b.length < b.readInt32LE(0)) return;
        const head = Buffer.alloc(21);
        head.writeInt32LE(21 + doc.length, 0);
        head.writeInt32LE(9, 4);
        head.writeInt32LE(b.readInt32LE(4), 8);
        head.writeInt32LE(2013, 12);
        sock.write(Buffer.concat([head, doc]));
        return true;
      },
    }));
    const r = await probe(`mongodb://127.0.0.1:${s.port}`);
    assert.equal(r.status, 'ok', r.summary);
    assert.equal(r.data.details.maxWireVersion, 21);
    assert.match(r.summary, /writable primary/);
  });

  it('AMQP Connection.Start with the product and version', async () => {
    const str = (k: string, v: string): Buffer => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(v.length);
      return Buffer.concat([Buffer.from([k.length]), Buffer.from(k), Buffer.from('S'), len, Buffer.from(v)]);
    };
    const table = Buffer.concat([str('product', 'RabbitMQ'), str('version', '3.12.1')]);
    const tlen = Buffer.alloc(4);
    tlen.writeUInt32BE(table.length);
    const longstr = (v: string): Buffer => Buffer.concat([Buffer.from([0, 0, 0, v.length]), Buffer.from(v)]);
    const payload = Buffer.concat([Buffer.from([0, 10, 0, 10, 0, 9]), tlen, table, longstr('PLAIN'), longstr('en_US')]);
    const head = Buffer.from([1, 0, 0, 0, 0, 0, 0]);
    head.writeUInt32BE(payload.length, 3);
    const s = await start(scriptedServer({ answer: (b, sock) => void (b.length >= 8 && sock.write(Buffer.concat([head, payload, Buffer.from([0xce])]))) }));
    const r = await probe(`amqp://127.0.0.1:${s.port}`);
    assert.equal(r.status, 'ok', r.summary);
    assert.equal(r.data.version, 'RabbitMQ 3.12.1');
  });

  it('Kafka ApiVersions', async () => {
    const s = await start(scriptedServer({
      answer: (b, sock) => {
        if (b.length < 4 || b.length < 4 + b.readInt32BE(0)) return;
        const body = Buffer.alloc(4 + 2 + 4 + 6 * 2);
        b.copy(body, 0, 8, 12);
        body.writeInt16BE(0, 4);
        body.writeInt32BE(2, 6);
        const size = Buffer.alloc(4);
        size.writeInt32BE(body.length);
        sock.write(Buffer.concat([size, body]));
        return true;
      },
    }));
    const r = await probe(`127.0.0.1:${s.port}`, { commandLine: 'kcat -b 127.0.0.1 -L' });
    assert.equal(r.data.service, 'kafka');
    assert.equal(r.status, 'ok', r.summary);
    assert.equal(r.data.details.apis, 2);
  });

  it('SMTP greeting and EHLO without STARTTLS', async () => {
    const s = await start(scriptedServer({ greeting: '220 mail.test ESMTP Postfix\r\n', answer: (b, sock) => void (b.toString().startsWith('EHLO') && b.toString().endsWith('\r\n') && sock.write('250-mail.test\r\n250-SIZE 10240000\r\n250 8BITMIME\r\n')) }));
    const r = await probe(`smtp://127.0.0.1:${s.port}`);
    assert.equal(r.status, 'ok', r.summary);
    assert.equal(r.data.tlsOffered, false);
  });

  it('IMAP greeting with STARTTLS in its capabilities, POP3 refusing with -ERR', async () => {
    const i = await start(bannerServer('* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] Dovecot ready.\r\n'));
    const ri = await probe(`imap://127.0.0.1:${i.port}`);
    assert.equal(ri.data.tlsOffered, true);
    const p = await start(bannerServer('-ERR too many connections\r\n'));
    const rp = await probe(`pop3://127.0.0.1:${p.port}`);
    assert.equal(rp.status, 'fail');
    assert.equal(rp.data.serverError, 'too many connections');
  });

  it('Redis in protected mode answers -DENIED: reachable, but this client is turned away', async () => {
    const s = await start(scriptedServer({ answer: (_b, sock) => void sock.end('-DENIED Redis is running in protected mode because protected mode is enabled\r\n') }));
    const r = await probe(`redis://127.0.0.1:${s.port}`);
    assert.equal(r.status, 'fail');
    assert.equal(r.data.serverErrorCode, 'DENIED');
    assert.equal(r.data.auth, 'denied');
  });

  it('MySQL ERR 1130 instead of a greeting: host not allowed', async () => {
    const msg = Buffer.from("#HY000Host '10.0.0.9' is not allowed to connect to this MariaDB server");
    const payload = Buffer.concat([Buffer.from([0xff, 0x6a, 0x04]), msg]);
    const s = await start(scriptedServer({ greeting: Buffer.concat([Buffer.from([payload.length, 0, 0, 0]), payload]) }));
    const r = await probe(`mysql://127.0.0.1:${s.port}`);
    assert.equal(r.data.serverErrorCode, '1130');
    assert.equal(r.data.auth, 'denied');
    assert.equal(r.status, 'fail');
  });

  it('HTTPS with ALPN: h2 chosen, and the server sends its SETTINGS', async () => {
    const certs = await testCerts();
    const server = createSecureServer({ key: certs.valid.key, cert: certs.valid.cert, allowHTTP1: true }, (_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const r = await probe(`https://127.0.0.1:${port}/`);
      assert.equal(r.status, 'ok', r.summary);
      assert.equal(r.data.details.alpn, 'h2');
      assert.equal(r.data.version, 'HTTP/2');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
