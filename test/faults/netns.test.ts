/**
 * Fault-injection suite, network-namespace part: faults that loopback cannot show (a silent drop,
 * no route, a listener reached through another address of the machine, DNS that says "no such
 * name" or does not answer). Each scenario builds its own namespaces with documentation addresses
 * (198.51.100.0/24), runs the client and the diagnosis inside them with `ip netns exec`, and
 * removes them afterwards. Needs root and iproute2; skipped with the reason otherwise.
 */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { join } from 'node:path';
import { RCODE, startDnsResponder } from './dnsResponder';
import { blackholeNeighbour, cleanupNamespaces, createNamespace, linkNamespaces, netnsUnavailableReason, removeStaleNamespaces, runIp } from './netns';
import type { Namespace } from './netns';
import { HTTP_GET, HTTP_SERVER, NET_CONNECT } from './scenarios/clients';
import { CURL, Cleanup, REPO, cliBundle, expectDiagnosis, runCurl, runNodeClient, startBackground } from './scenarios/harness';

const DNS_RESPONDER = join(REPO, 'test', 'faults', 'dnsResponder.ts');
// A name under .test (RFC 6761): never a real host; inside the namespace only our responder hears it.
const NAME = 'api.cd-fault.test';
// One quick try per query, so a resolver that does not answer fails in about a second, not 10.
const RESOLV_LOCAL = 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n';

describe('the DNS responder used by the namespace scenarios', () => {
  it('answers every query with the configured rcode, echoing the question', async () => {
    const nx = await startDnsResponder({ rcode: RCODE.NXDOMAIN });
    const sf = await startDnsResponder({ rcode: RCODE.SERVFAIL });
    try {
      const r = new Resolver({ timeout: 1000, tries: 1 });
      r.setServers([`127.0.0.1:${nx.port}`]);
      await assert.rejects(r.resolve4(NAME), { code: 'ENOTFOUND' });
      r.setServers([`127.0.0.1:${sf.port}`]);
      await assert.rejects(r.resolve4(NAME), { code: 'ESERVFAIL' });
      assert.equal(nx.queries(), 1);
    } finally {
      await nx.close();
      await sf.close();
    }
  });
});

describe('fault injection in network namespaces: the expected cause ranks first', function () {
  this.timeout(30000);
  const cleanup = new Cleanup();

  before(async function () {
    const reason = netnsUnavailableReason();
    if (reason !== null) {
      process.stdout.write(`      skipped: ${reason}\n`);
      this.skip();
    }
    this.timeout(60000);
    await removeStaleNamespaces();
    await cliBundle();
  });
  afterEach(async () => {
    await cleanup.run();
    cleanupNamespaces();
  });
  after(() => cleanupNamespaces());

  async function namespace(resolvConf?: string): Promise<Namespace> {
    const ns = await createNamespace(resolvConf === undefined ? {} : { resolvConf });
    cleanup.add(() => ns.remove());
    return ns;
  }

  async function background(ns: Namespace, args: readonly string[], ready: RegExp): Promise<RegExpExecArray> {
    const child = await startBackground(process.execPath, args, ready, { netns: ns.name });
    cleanup.add(() => child.stop());
    return child.ready;
  }

  it('namespaces are created apart from the host and removed by cleanup', async () => {
    const ns = await namespace();
    assert.match(await runIp(['netns', 'list']), new RegExp(`^${ns.name}\\b`, 'm'));
    // Only lo inside: the host's interfaces are not visible.
    const links = await runIp(['-n', ns.name, '-o', 'link', 'show']);
    assert.deepEqual(
      links.trim().split('\n').map((l) => l.split(':')[1]?.trim()),
      ['lo'],
    );
    ns.remove();
    assert.doesNotMatch(await runIp(['netns', 'list']), new RegExp(`^${ns.name}\\b`, 'm'));
  });

  describe('packet-drop: the peer discards every frame (a static neighbour entry to a MAC nobody has)', () => {
    async function droppedTarget(): Promise<{ client: Namespace; address: string }> {
      const a = await namespace();
      const b = await namespace();
      const link = await linkNamespaces(a, b);
      // The service runs in B; the drop sits between A and B.
      await background(b, ['-e', HTTP_SERVER, '0.0.0.0', '8080'], /^listening 8080$/);
      await blackholeNeighbour(link.a, link.b.address);
      return { client: a, address: link.b.address };
    }

    it('curl --connect-timeout 1 (curl: (28) ... Timeout was reached)', async function () {
      if (CURL === null) this.skip();
      const { client: ns, address } = await droppedTarget();
      const client = await runCurl(['--connect-timeout', '1', `http://${address}:8080/`], { netns: ns.name });
      await expectDiagnosis({ expected: 'packet-drop', probes: ['tcp'], client, what: 'curl', target: `http://${address}:8080/`, netns: ns.name });
    });

    it('node net.connect with a 1 s connect timeout (connect ETIMEDOUT)', async () => {
      const { client: ns, address } = await droppedTarget();
      const client = await runNodeClient(NET_CONNECT, [address, '8080', '1000'], { netns: ns.name });
      await expectDiagnosis({ expected: 'packet-drop', probes: ['tcp'], client, what: 'net.connect', target: `${address}:8080`, netns: ns.name });
    });
  });

  it('network-unreachable: a namespace with only lo (connect ENETUNREACH)', async () => {
    const ns = await namespace();
    const client = await runNodeClient(NET_CONNECT, ['198.51.100.7', '443'], { netns: ns.name });
    await expectDiagnosis({ expected: 'network-unreachable', probes: ['tcp'], client, what: 'net.connect', target: '198.51.100.7:443', netns: ns.name });
  });

  it('loopback-only-listener: the server in B listens on 127.0.0.1; A connects to B\'s address (ECONNREFUSED), diagnosed on B', async () => {
    const a = await namespace();
    const b = await namespace();
    const link = await linkNamespaces(a, b);
    await background(b, ['-e', HTTP_SERVER, '127.0.0.1', '8080'], /^listening 8080$/);
    const url = `http://${link.b.address}:8080/`;
    const client = await runNodeClient(HTTP_GET, [url], { netns: a.name });
    // On B the target is one of the machine's own (non-loopback) addresses, so the listeners probe
    // sees the 127.0.0.1:8080 socket that would have taken the connection on loopback.
    await expectDiagnosis({ expected: 'loopback-only-listener', probes: ['listeners'], client, what: 'http.get from A', target: url, netns: b.name });
  });

  describe('dns-nxdomain: the resolver (our responder on 127.0.0.1:53 inside the namespace) answers NXDOMAIN', () => {
    async function nxNamespace(): Promise<Namespace> {
      const ns = await namespace(RESOLV_LOCAL);
      assert.ok(existsSync(DNS_RESPONDER));
      await background(ns, ['--import', 'tsx', DNS_RESPONDER, '--host', '127.0.0.1', '--port', '53', '--rcode', String(RCODE.NXDOMAIN)], /^listening /);
      return ns;
    }

    it('http.get (getaddrinfo ENOTFOUND)', async () => {
      const ns = await nxNamespace();
      const client = await runNodeClient(HTTP_GET, [`http://${NAME}:8080/`], { netns: ns.name });
      await expectDiagnosis({ expected: 'dns-nxdomain', probes: ['resolve'], client, what: 'http.get', target: `http://${NAME}:8080/`, netns: ns.name });
    });

    it('curl (curl: (6) Could not resolve host)', async function () {
      if (CURL === null) this.skip();
      const ns = await nxNamespace();
      const client = await runCurl([`http://${NAME}:8080/`], { netns: ns.name });
      await expectDiagnosis({ expected: 'dns-nxdomain', probes: ['resolve'], client, what: 'curl', target: `http://${NAME}:8080/`, netns: ns.name });
    });
  });

  describe('dns-resolver-failure: the resolver cannot answer', () => {
    it('nothing listens on the nameserver address (getaddrinfo EAI_AGAIN)', async () => {
      const ns = await namespace(RESOLV_LOCAL);
      const client = await runNodeClient(HTTP_GET, [`http://${NAME}:8080/`], { netns: ns.name });
      await expectDiagnosis({ expected: 'dns-resolver-failure', probes: ['resolve'], client, what: 'http.get', target: `http://${NAME}:8080/`, netns: ns.name });
    });

    it('the nameserver answers SERVFAIL (getaddrinfo EAI_AGAIN)', async () => {
      const ns = await namespace(RESOLV_LOCAL);
      await background(ns, ['--import', 'tsx', DNS_RESPONDER, '--host', '127.0.0.1', '--port', '53', '--rcode', String(RCODE.SERVFAIL)], /^listening /);
      const client = await runNodeClient(HTTP_GET, [`http://${NAME}:8080/`], { netns: ns.name });
      await expectDiagnosis({ expected: 'dns-resolver-failure', probes: ['resolve'], client, what: 'http.get', target: `http://${NAME}:8080/`, netns: ns.name });
    });
  });
});
