import { strict as assert } from 'node:assert';
import { tlsMode, tlsProbe } from '../../../src/core/probes/tls';
import type { TestCerts } from '../../faults/certs';
import { testCerts } from '../../faults/certs';
import { acceptQueueFullServer, httpServer, silentServer, tlsServer } from '../../faults/servers';
import { assertShape, settleSockets, socketCount, target, useServers } from './helpers';

describe('probes/tls', function () {
  this.timeout(30000);
  let certs: TestCerts;
  const { servers, start } = useServers();
  before(async () => {
    certs = await testCerts();
  });
  it('decides when TLS applies', () => {
    assert.equal(tlsMode(target('https://h'), {}), 'expected');
    assert.equal(tlsMode(target('rediss://h'), {}), 'expected');
    assert.equal(tlsMode(target('h:8443'), {}), 'expected');
    assert.equal(tlsMode(target('http://h:8443'), {}), 'sniff');
    assert.equal(tlsMode(target('h:5432'), {}), 'sniff');
    assert.equal(tlsMode(target('postgres://h'), {}), null);
  });

  it('reports a healthy handshake: protocol, cipher, ALPN, chain, trust through the given CA', async () => {
    const s = await start(tlsServer(certs.valid));
    const r = await tlsProbe(target(`https://localhost:${s.port}`), { env: {}, tlsCa: [certs.ca] });
    assertShape(r);
    assert.equal(r.status, 'ok', r.summary);
    assert.equal(r.data.handshake, true);
    assert.match(r.data.protocol ?? '', /^TLSv1\.[23]$/);
    assert.ok(r.data.cipher);
    assert.equal(r.data.alpn, 'http/1.1');
    assert.equal(r.data.trusted, true);
    assert.equal(r.data.hostnameMatch, true);
    assert.equal(r.data.expired, false);
    assert.equal(r.data.chain[0]?.subject, 'CN=localhost');
    assert.match(r.data.chain[0]?.fingerprint256 ?? '', /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    // A plaintext client on the same port gets a hang-up or a TLS alert, not HTTP.
    assert.ok(['closed', 'reset', 'tls-alert'].includes(r.data.plainProbe?.outcome ?? ''), r.data.plainProbe?.outcome);
  });

  it('flags a self-signed certificate as untrusted', async () => {
    const s = await start(tlsServer(certs.selfSigned));
    const r = await tlsProbe(target(`https://127.0.0.1:${s.port}`), { env: {} });
    assert.equal(r.status, 'fail');
    assert.equal(r.data.trusted, false);
    assert.equal(r.data.authorizationError, 'DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.equal(r.data.hostnameMatch, true);
    assert.equal(r.data.chain[0]?.selfSigned, true);
    assert.equal(r.data.servername, null);
  });

  it('flags a certificate signed by an unknown CA', async () => {
    const s = await start(tlsServer(certs.valid));
    const r = await tlsProbe(target(`https://localhost:${s.port}`), { env: {} });
    assert.equal(r.data.trusted, false);
    assert.ok(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'].includes(r.data.authorizationError ?? ''), r.data.authorizationError ?? '');
  });

  it('flags an expired certificate', async () => {
    const s = await start(tlsServer(certs.expired));
    const r = await tlsProbe(target(`https://localhost:${s.port}`), { env: {}, tlsCa: [certs.ca] });
    assert.equal(r.status, 'fail');
    assert.equal(r.data.expired, true);
    assert.equal(r.data.authorizationError, 'CERT_HAS_EXPIRED');
    assert.equal(r.data.hostnameMatch, true);
    assert.match(r.summary, /expired/);
  });

  it('flags a certificate for another host name', async () => {
    const s = await start(tlsServer(certs.wrongHost));
    const r = await tlsProbe(target(`https://localhost:${s.port}`), { env: {}, tlsCa: [certs.ca] });
    assert.equal(r.status, 'fail');
    assert.equal(r.data.hostnameMatch, false);
    assert.equal(r.data.hostnameError?.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
    assert.equal(r.data.trusted, true);
  });

  it('sees a plaintext server hit with TLS, and what it answers', async () => {
    const s = await start(httpServer());
    const r = await tlsProbe(target(`https://127.0.0.1:${s.port}`), { env: {} });
    assert.equal(r.status, 'fail');
    assert.equal(r.data.handshake, false);
    assert.equal(r.data.plaintext, true);
    assert.equal(r.data.speaksTls, false);
    assert.match(r.data.plaintextResponse ?? '', /^HTTP\/1\.1 200/);
  });

  it('sees a TLS server hit with plain HTTP (sniff mode on an http:// target)', async () => {
    const s = await start(tlsServer(certs.valid));
    const r = await tlsProbe(target(`http://localhost:${s.port}`), { env: {} });
    assert.equal(r.data.mode, 'sniff');
    assert.equal(r.status, 'fail');
    assert.equal(r.data.speaksTls, true);
    assert.match(r.summary, /speaks TLS/);
    assert.ok(r.data.plainProbe && r.data.plainProbe.outcome !== 'http');
  });

  it('says "plaintext, as expected" when sniffing a plain HTTP port', async () => {
    const s = await start(httpServer());
    const r = await tlsProbe(target(`http://127.0.0.1:${s.port}`), { env: {} });
    assert.equal(r.status, 'ok');
    assert.equal(r.data.speaksTls, false);
  });

  it('times out on a server that never answers the ClientHello', async () => {
    const s = await start(silentServer());
    const r = await tlsProbe(target(`https://127.0.0.1:${s.port}`), { env: {}, timeoutMs: 300 });
    assert.equal(r.status, 'fail');
    assert.equal(r.data.handshakeError?.code, 'ETIMEDOUT');
  });

  it('returns promptly on abort with no socket left behind', async () => {
    const q = await acceptQueueFullServer(1);
    servers.push(q);
    await q.fill();
    const before = socketCount();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const r = await tlsProbe(target(`https://127.0.0.1:${q.port}`), { env: {}, timeoutMs: 10000, signal: ac.signal });
    assert.equal(r.status, 'skipped');
    assert.equal(r.error?.code, 'ABORTED');
    assert.ok((await settleSockets(before)) <= before, 'sockets leaked');
  });
});
