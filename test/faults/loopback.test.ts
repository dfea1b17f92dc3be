/**
 * Fault-injection suite, loopback part: for each cause a real server misbehaves on 127.0.0.1 or
 * ::1, a real client (Node's net/http/fetch, or curl) fails against it, and the error it printed
 * goes to `connection-doctor diagnose --json` run as a child process. The expected cause must rank
 * first, with supporting evidence from the probe that sees the fault.
 */
import { strict as assert } from 'node:assert';
import { networkInterfaces } from 'node:os';
import { testCerts } from './certs';
import type { TestCerts } from './certs';
import { HTTP_GET, HTTP_GET_LOOP, FETCH, KEEPALIVE_REUSE, NET_CONNECT } from './scenarios/clients';
import { startAlternating, startHttpOk, startShortKeepAlive } from './scenarios/faultServers';
import { acceptQueueFullServer, closeMidResponseServer, httpServer, resettingServer, slowHttpServer, tlsServer } from './servers';
import { CONVENTIONAL_PORTS } from '../../src/core/probes/listeners';
import { cleanupNamespaces, createNamespace, netnsUnavailableReason } from './netns';
import { Cleanup, CURL, cleanEnv, cliBundle, expectDiagnosis, listeningPorts, quietPort, runCurl, runNodeClient } from './scenarios/harness';

const V4 = '127.0.0.1';

describe('fault injection on loopback: the expected cause ranks first', function () {
  this.timeout(30000);
  const cleanup = new Cleanup();
  let tls: TestCerts | null = null;

  before(async function () {
    this.timeout(60000);
    // Bundle the CLI from the current source once (see cliBundle) and make the certificates.
    await cliBundle();
    tls = await testCerts();
  });
  after(() => cleanupNamespaces());
  afterEach(() => cleanup.run());

  /** Starts a server and registers its close. */
  async function serve<S extends { close(): Promise<void> }>(start: Promise<S>): Promise<S> {
    const s = await start;
    cleanup.add(() => s.close());
    return s;
  }

  function certs(): TestCerts {
    assert.ok(tls, 'certificates were not made');
    return tls;
  }

  /** curl is used where installed; without it the curl variants are skipped, the Node ones still run. */
  function requireCurl(ctx: Mocha.Context): void {
    if (CURL === null) ctx.skip();
  }

  // ------------------------------------------------------------ refused

  describe('no-listener: nothing listens on the port or near it', () => {
    /**
     * "Nothing near it" includes conventional dev ports (3000, 8080, ...), which other programs on
     * a shared machine may hold; as root the scenario runs on the loopback of a fresh namespace,
     * where the premise holds by construction. Otherwise on the host's loopback, and skipped when a
     * conventional port is taken (then wrong-port would be the right answer).
     */
    async function quietLoopback(ctx: Mocha.Context): Promise<{ netns: string | null; port: number }> {
      if (netnsUnavailableReason() === null) {
        const ns = await createNamespace();
        cleanup.add(() => ns.remove());
        return { netns: ns.name, port: 20000 + Math.floor(Math.random() * 9000) };
      }
      const busy = [...listeningPorts()].filter((p) => CONVENTIONAL_PORTS.includes(p));
      if (busy.length > 0) {
        process.stdout.write(`      skipped: conventional ports in use here: ${busy.join(', ')}\n`);
        ctx.skip();
      }
      return { netns: null, port: await quietPort() };
    }

    it('node net.connect to a closed port (ECONNREFUSED)', async function () {
      const { netns, port } = await quietLoopback(this);
      const client = await runNodeClient(NET_CONNECT, [V4, String(port)], { netns });
      await expectDiagnosis({ expected: 'no-listener', probes: ['tcp', 'listeners'], client, what: 'net.connect', target: `${V4}:${port}`, netns });
    });

    it('curl to a closed port (curl: (7))', async function () {
      requireCurl(this);
      const { netns, port } = await quietLoopback(this);
      const client = await runCurl([`http://${V4}:${port}/`], { netns });
      await expectDiagnosis({ expected: 'no-listener', probes: ['tcp', 'listeners'], client, what: 'curl', target: `http://${V4}:${port}/`, netns });
    });
  });

  it('wrong-port: nothing on P, the service listens on P+1 (http.get)', async () => {
    const port = await quietPort();
    await serve(startHttpOk(V4, port + 1));
    const client = await runNodeClient(HTTP_GET, [`http://${V4}:${port}/`]);
    await expectDiagnosis({ expected: 'wrong-port', probes: ['listeners'], client, what: 'http.get', target: `http://${V4}:${port}/` });
  });

  it('ip-family-mismatch: server on 127.0.0.1 only, client connects to ::1 (ECONNREFUSED ::1:PORT)', async function () {
    const hasV6Loopback = Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address === '::1'));
    if (!hasV6Loopback) this.skip(); // no ::1 on this machine: the mismatch cannot happen here
    const s = await serve(httpServer({ host: V4 }));
    const port = s.port;
    const client = await runNodeClient(NET_CONNECT, ['::1', String(port)]);
    await expectDiagnosis({ expected: 'ip-family-mismatch', probes: ['listeners', 'tcp', 'resolve'], client, what: 'net.connect ::1', target: `[::1]:${port}` });
  });

  // ------------------------------------------------------------ timeouts

  describe('accept-queue-full: a listener with backlog 1 that never accepts, queue filled', () => {
    /** Starts the stuck listener (servers.ts) and fills its accept queue (backlog + 1 connections); returns its port. */
    async function stuckListener(): Promise<number> {
      const q = await serve(acceptQueueFullServer(1, V4));
      await q.fill();
      return q.port;
    }

    it('curl --connect-timeout 1 (curl: (28) ... Timeout was reached)', async function () {
      requireCurl(this);
      const port = await stuckListener();
      const client = await runCurl(['--connect-timeout', '1', `http://${V4}:${port}/`]);
      await expectDiagnosis({ expected: 'accept-queue-full', probes: ['listeners'], client, what: 'curl', target: `http://${V4}:${port}/` });
    });

    it('node net.connect with a 1 s connect timeout (connect ETIMEDOUT)', async () => {
      const port = await stuckListener();
      const client = await runNodeClient(NET_CONNECT, [V4, String(port), '1000']);
      await expectDiagnosis({ expected: 'accept-queue-full', probes: ['listeners'], client, what: 'net.connect', target: `${V4}:${port}` });
    });
  });

  describe('slow-server: connects, but answers after 5 s', () => {
    it('curl -m 1 (curl: (28) Operation timed out ... 0 bytes received)', async function () {
      requireCurl(this);
      const s = await serve(slowHttpServer(5000, V4));
      const client = await runCurl(['-m', '1', `http://${V4}:${s.port}/`]);
      await expectDiagnosis({ expected: 'slow-server', probes: ['http'], client, what: 'curl -m 1', target: `http://${V4}:${s.port}/` });
    });

    it('fetch with AbortSignal.timeout(800) (TimeoutError)', async () => {
      const s = await serve(slowHttpServer(5000, V4));
      const client = await runNodeClient(FETCH, [`http://${V4}:${s.port}/`, '800']);
      await expectDiagnosis({ expected: 'slow-server', probes: ['http'], client, what: 'fetch', target: `http://${V4}:${s.port}/` });
    });
  });

  // ------------------------------------------------------------ resets and closes

  describe('reset-on-connect: accepts, then resets at once', () => {
    it('http.get (connect ECONNRESET)', async () => {
      const s = await serve(resettingServer(V4));
      const client = await runNodeClient(HTTP_GET, [`http://${V4}:${s.port}/`]);
      await expectDiagnosis({ expected: 'reset-on-connect', probes: ['tcp', 'repeat', 'http'], client, what: 'http.get', target: `http://${V4}:${s.port}/` });
    });

    it('curl, which reports it like a refusal (curl: (7))', async function () {
      requireCurl(this);
      const s = await serve(resettingServer(V4));
      const client = await runCurl([`http://${V4}:${s.port}/`]);
      await expectDiagnosis({ expected: 'reset-on-connect', probes: ['tcp', 'repeat', 'http'], client, what: 'curl', target: `http://${V4}:${s.port}/` });
    });
  });

  describe('closed-mid-response: reads the request, then closes', () => {
    it('http.get (socket hang up)', async () => {
      const s = await serve(closeMidResponseServer('before-response', V4));
      const client = await runNodeClient(HTTP_GET, [`http://${V4}:${s.port}/`]);
      await expectDiagnosis({ expected: 'closed-mid-response', probes: ['http'], client, what: 'http.get', target: `http://${V4}:${s.port}/` });
    });

    it('curl (curl: (52) Empty reply from server)', async function () {
      requireCurl(this);
      const s = await serve(closeMidResponseServer('before-response', V4));
      const client = await runCurl([`http://${V4}:${s.port}/`]);
      await expectDiagnosis({ expected: 'closed-mid-response', probes: ['http'], client, what: 'curl', target: `http://${V4}:${s.port}/` });
    });
  });

  it('keepalive-race: server closes idle connections after 300 ms unannounced; a busy client reuses one (socket hang up)', async () => {
    // 300 ms: short enough for the keepalive probe's idle watch within the suite's 1.5 s budget
    // when nothing is advertised (an idle cut-off shorter than the client's, as proxies and LBs do).
    const s = await serve(startShortKeepAlive(V4, 300));
    const client = await runNodeClient(KEEPALIVE_REUSE, [`http://${V4}:${s.port}/`, '300']);
    // Both requests went over one connection: the failure really was the reuse.
    assert.equal(s.connections(), 1, 'the client opened a second connection instead of reusing the idle one');
    await expectDiagnosis({ expected: 'keepalive-race', probes: ['keepalive'], client, what: 'http.Agent keep-alive reuse', target: `http://${V4}:${s.port}/` });
  });

  describe('intermittent-network: every other connection is reset', () => {
    it('a loop of http.get calls, some fail (connect ECONNRESET)', async () => {
      const s = await serve(startAlternating(V4));
      const client = await runNodeClient(HTTP_GET_LOOP, [`http://${V4}:${s.port}/`, '4']);
      assert.match(client.stdout, /^ok 200$/m, 'no request succeeded: the failure is not intermittent');
      await expectDiagnosis({ expected: 'intermittent-network', probes: ['repeat'], client, what: 'http.get loop', target: `http://${V4}:${s.port}/` });
    });
  });

  // ------------------------------------------------------------ TLS

  // startHttpOk, not servers.ts's httpServer: that one drops garbage silently, while Node's default
  // (like nginx and most servers) answers the ClientHello with a plaintext 400 — "wrong version number".
  describe('tls-to-plain-port: https to a plain HTTP port', () => {
    it('https.get (EPROTO ... wrong version number)', async () => {
      const s = await serve(startHttpOk(V4));
      const client = await runNodeClient(HTTP_GET, [`https://${V4}:${s.port}/`]);
      await expectDiagnosis({ expected: 'tls-to-plain-port', probes: ['tls'], client, what: 'https.get', target: `https://${V4}:${s.port}/` });
    });

    it('curl (curl: (35) ... wrong version number)', async function () {
      requireCurl(this);
      const s = await serve(startHttpOk(V4));
      const client = await runCurl([`https://${V4}:${s.port}/`]);
      await expectDiagnosis({ expected: 'tls-to-plain-port', probes: ['tls'], client, what: 'curl', target: `https://${V4}:${s.port}/` });
    });
  });

  describe('plain-to-tls-port: http to an HTTPS port', () => {
    it('http.get (socket hang up)', async () => {
      const s = await serve(tlsServer(certs().valid, { host: V4 }));
      const client = await runNodeClient(HTTP_GET, [`http://${V4}:${s.port}/`]);
      await expectDiagnosis({ expected: 'plain-to-tls-port', probes: ['tls', 'http'], client, what: 'http.get', target: `http://${V4}:${s.port}/` });
    });

    it('curl (curl: (52) Empty reply from server)', async function () {
      requireCurl(this);
      const s = await serve(tlsServer(certs().valid, { host: V4 }));
      const client = await runCurl([`http://${V4}:${s.port}/`]);
      await expectDiagnosis({ expected: 'plain-to-tls-port', probes: ['tls', 'http'], client, what: 'curl', target: `http://${V4}:${s.port}/` });
    });
  });

  describe('tls-untrusted-cert: a self-signed certificate', () => {
    it('https.get (self-signed certificate)', async () => {
      const s = await serve(tlsServer(certs().selfSigned, { host: V4 }));
      const client = await runNodeClient(HTTP_GET, [`https://${V4}:${s.port}/`]);
      await expectDiagnosis({ expected: 'tls-untrusted-cert', probes: ['tls'], client, what: 'https.get', target: `https://${V4}:${s.port}/` });
    });

    it('curl (curl: (60) SSL certificate problem: self-signed certificate)', async function () {
      requireCurl(this);
      const s = await serve(tlsServer(certs().selfSigned, { host: V4 }));
      const client = await runCurl([`https://${V4}:${s.port}/`]);
      await expectDiagnosis({ expected: 'tls-untrusted-cert', probes: ['tls'], client, what: 'curl', target: `https://${V4}:${s.port}/` });
    });
  });

  it('tls-expired-cert: a certificate of a trusted CA, valid only in January 2020 (https.get: certificate has expired)', async () => {
    const s = await serve(tlsServer(certs().expired, { host: V4 }));
    // The CA is trusted by client and diagnosis alike, so expiry is the only fault.
    const env = cleanEnv({ NODE_EXTRA_CA_CERTS: certs().caFile });
    const client = await runNodeClient(HTTP_GET, [`https://${V4}:${s.port}/`], { env });
    await expectDiagnosis({ expected: 'tls-expired-cert', probes: ['tls'], client, what: 'https.get', target: `https://${V4}:${s.port}/`, env });
  });

  describe('tls-hostname-mismatch: a trusted certificate for wrong.example, reached as 127.0.0.1', () => {
    it('https.get (ERR_TLS_CERT_ALTNAME_INVALID)', async () => {
      const s = await serve(tlsServer(certs().wrongHost, { host: V4 }));
      const env = cleanEnv({ NODE_EXTRA_CA_CERTS: certs().caFile });
      const client = await runNodeClient(HTTP_GET, [`https://${V4}:${s.port}/`], { env });
      await expectDiagnosis({ expected: 'tls-hostname-mismatch', probes: ['tls'], client, what: 'https.get', target: `https://${V4}:${s.port}/`, env });
    });

    it('curl --cacert (curl: (60) SSL: no alternative certificate subject name matches)', async function () {
      requireCurl(this);
      const s = await serve(tlsServer(certs().wrongHost, { host: V4 }));
      const env = cleanEnv({ NODE_EXTRA_CA_CERTS: certs().caFile });
      const client = await runCurl(['--cacert', certs().caFile, `https://${V4}:${s.port}/`], { env });
      await expectDiagnosis({ expected: 'tls-hostname-mismatch', probes: ['tls'], client, what: 'curl', target: `https://${V4}:${s.port}/`, env });
    });
  });

  // ------------------------------------------------------------ proxy

  describe('proxy-failure: HTTP(S)_PROXY points at a loopback proxy that fails; the target itself is fine', () => {
    function proxyEnv(proxyPort: number): NodeJS.ProcessEnv {
      const url = `http://${V4}:${proxyPort}`;
      // curl reads the lower-case http_proxy only; most other tools read either case.
      return cleanEnv({ HTTP_PROXY: url, http_proxy: url, HTTPS_PROXY: url, https_proxy: url });
    }

    it('the proxy resets every connection (curl)', async function () {
      requireCurl(this);
      const target = await serve(startHttpOk(V4));
      const proxy = await serve(resettingServer(V4));
      const env = proxyEnv(proxy.port);
      const client = await runCurl([`http://${V4}:${target.port}/`], { env });
      // curl reports the reset as (7) or (56) depending on timing; either way it never reached the target.
      assert.equal(target.connections(), 0, 'curl reached the target directly instead of through the proxy');
      await expectDiagnosis({ expected: 'proxy-failure', probes: ['proxy'], client, what: 'curl via proxy', target: `http://${V4}:${target.port}/`, env });
    });

    it('the proxy port is closed (curl)', async function () {
      requireCurl(this);
      const target = await serve(httpServer({ host: V4 }));
      const env = proxyEnv(await quietPort());
      const client = await runCurl([`http://${V4}:${target.port}/`], { env });
      await expectDiagnosis({ expected: 'proxy-failure', probes: ['proxy'], client, what: 'curl via proxy', target: `http://${V4}:${target.port}/`, env });
    });
  });
});
