/**
 * A system resolver that never answers (issue 13): the diagnosis still ends within its timeout,
 * and probes of dead names never hold libuv's thread pool so long that the process's other
 * lookups queue behind them. Runs in a network namespace whose resolv.conf names a UDP socket
 * that reads every query and answers none.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { createNamespace, cleanupNamespaces, netnsUnavailableReason, removeStaleNamespaces } from './netns';
import type { Namespace } from './netns';
import { Cleanup, REPO, cliBundle, runProcess, startBackground } from './scenarios/harness';

const DNS_RESPONDER = join(REPO, 'test', 'faults', 'dnsResponder.ts');
/** The resolver's own give-up time is 4 s a query, far beyond every probe timeout below. */
const RESOLV_SILENT = 'nameserver 127.0.0.1\noptions timeout:4 attempts:1\n';
const RESOLVER_GIVES_UP_MS = 4000;

// Four diagnoses' worth of dead names, then a lookup of a name the hosts file answers.
const POOL_SCRIPT = `
const { resolveProbe } = require(${JSON.stringify(join(REPO, 'src', 'core', 'probes', 'resolve.ts'))});
const { lookup } = require('node:dns/promises');
(async () => {
  // A process that has looked up before (as the extension host has): glibc loads its name services once.
  await lookup('localhost');
  const names = ['a.silent.test', 'b.silent.test', 'c.silent.test', 'd.silent.test'];
  const t0 = performance.now();
  const probes = await Promise.all(names.map((host) => resolveProbe({ host, port: 8080, scheme: null, url: null }, { timeoutMs: 300, env: {} })));
  const probesMs = performance.now() - t0;
  const t1 = performance.now();
  await lookup('localhost');
  const localhostMs = performance.now() - t1;
  console.log(JSON.stringify({ probesMs, localhostMs, statuses: probes.map((p) => p.status) }));
  process.exit(0);
})();
`;

describe('a system resolver that never answers', function () {
  this.timeout(60000);
  const cleanup = new Cleanup();
  let ns: Namespace;

  before(async function () {
    const reason = netnsUnavailableReason();
    if (reason !== null) {
      process.stdout.write(`      skipped: ${reason}\n`);
      this.skip();
    }
    await removeStaleNamespaces();
    await cliBundle();
    ns = await createNamespace({ resolvConf: RESOLV_SILENT });
    cleanup.add(() => ns.remove());
    const responder = await startBackground(process.execPath, ['--import', 'tsx', DNS_RESPONDER, '--host', '127.0.0.1', '--port', '53', '--silent'], /^listening /, { netns: ns.name });
    cleanup.add(() => responder.stop());
  });
  after(async () => {
    await cleanup.run();
    cleanupNamespaces();
  });

  it('diagnose --timeout 1500 of a name exits within the timeout and 20 %, saying the resolver did not answer', async () => {
    const cli = await cliBundle();
    const r = await runProcess(process.execPath, [cli, 'diagnose', '--json', '--timeout', '1500', 'api.silent.test:8080'], { netns: ns.name, timeoutMs: 20000 });
    // Node's own start (about 0.1-0.3 s) is outside the diagnosis' budget: measure it in the same namespace.
    const bare = await runProcess(process.execPath, ['-e', '0'], { netns: ns.name });
    assert.ok(r.ms - bare.ms <= 1500 * 1.2, `exited after ${r.ms} ms (node alone: ${bare.ms} ms); the resolver gives up after ${RESOLVER_GIVES_UP_MS} ms`);
    const out = JSON.parse(r.stdout) as { probes: Array<{ id: string; status: string; summary: string }> };
    const resolve = out.probes.find((p) => p.id === 'resolve');
    assert.ok(resolve && resolve.status !== 'ok', `resolve: ${JSON.stringify(resolve)}`);
  });

  it('probes of four dead names leave the thread pool to the process\'s other lookups', async () => {
    const r = await runProcess(process.execPath, ['--import', 'tsx', '-e', POOL_SCRIPT], { netns: ns.name, timeoutMs: 30000 });
    assert.equal(r.code, 0, r.stderr);
    const got = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { probesMs: number; localhostMs: number; statuses: string[] };
    assert.deepEqual(got.statuses, ['fail', 'fail', 'fail', 'fail']);
    // With the pool full, localhost would wait for the resolver's give-up time (4 s); free threads answer it from the hosts file at once.
    assert.ok(got.localhostMs < RESOLVER_GIVES_UP_MS / 4, `lookup('localhost') waited ${Math.round(got.localhostMs)} ms behind the dead lookups`);
  });
});
