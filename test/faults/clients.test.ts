/**
 * Fault suite, real clients: every program of the client × fault table (scenarios/table.ts) runs
 * against a misbehaving loopback server, and its own stdout/stderr goes to
 * `connection-doctor diagnose --json` (the CLI, a child process) with no target when the text names
 * one. The expected cause must rank first, with supporting evidence from a live probe; known misses
 * must still miss. The figure (how many rank first) is printed at the end, and written to
 * CD_FAULTS_FIGURE when set. CD_FAULTS_RECORD=DIR writes each scenario's probe results there.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testCerts } from './certs';
import type { TestCerts } from './certs';
import { cleanupNamespaces, createNamespace, netnsUnavailableReason } from './netns';
import { DIAG_TIMEOUT_MS, capturedError, cleanEnv, cliBundle, describeDiagnosis, parseDiagnosis, runProcess, starved } from './scenarios/harness';
import type { CliDiagnosis } from './scenarios/harness';
import { compileClients } from './scenarios/programs';
import type { ClientCall } from './scenarios/programs';
import { startHttpOk } from './scenarios/faultServers';
import { KNOWN_MISSES, scenarios } from './scenarios/table';
import type { Fault, FaultContext, RunningFault, Scenario } from './scenarios/table';
import { startRedis, startSshd } from '../support/realServers';
import { checkConsistency } from '../support/premises';

/** Attempts of the repeat probe in this suite (two keep it quick; the table has many rows). */
const ATTEMPTS = 2;
/**
 * The diagnosis's --timeout here: the CLI takes its own start-up out of it (a loaded machine can
 * spend a second loading the bundle), so DIAG_TIMEOUT_MS would leave the probes a few ms.
 */
const SUITE_DIAG_TIMEOUT_MS = Math.max(DIAG_TIMEOUT_MS, 3000);
/** Scenarios run this many at a time (their servers are shared and every port is their own). */
const CONCURRENCY = Number(process.env['CD_FAULTS_CONCURRENCY'] ?? 1);
const V4 = '127.0.0.1';

/** One scenario's outcome, for the figure. */
interface Outcome {
  id: string;
  expected: string;
  first: string;
  ranking: string;
  targetGiven: boolean;
  /** Ranked first with supporting evidence from a live probe. */
  ok: boolean;
}

/** Runs diagnose on the client's text alone; only when the text names no target, with it. */
async function diagnoseText(error: string, target: string, call: ClientCall): Promise<{ d: CliDiagnosis; targetGiven: boolean; raw: string }> {
  const cli = await cliBundle();
  const base = ['diagnose', '--json', '--timeout', String(SUITE_DIAG_TIMEOUT_MS), '--attempts', String(ATTEMPTS), '--error', error];
  const opts = { env: call.options.env ?? cleanEnv(), netns: call.options.netns ?? null, timeoutMs: 25000 };
  let run = await runProcess(process.execPath, [cli, ...base], opts);
  let targetGiven = false;
  if (run.code === 2 && /give TARGET/.test(run.stderr)) {
    targetGiven = true;
    run = await runProcess(process.execPath, [cli, ...base, target], opts);
  }
  if (run.code !== 0) throw new Error(`diagnose exited ${String(run.code)}: ${run.stderr}${run.stdout.slice(0, 1000)}`);
  return { d: parseDiagnosis(run.stdout), targetGiven, raw: run.stdout };
}

describe('fault suite: real clients against misbehaving servers (client × fault table)', function () {
  this.timeout(60000);
  const all = scenarios();
  const outcomes: Outcome[] = [];
  const skipped: string[] = [];
  const running = new Map<Fault, RunningFault | null>();
  const reals = new Map<string, Promise<RunningFault | null>>();
  const stops: Array<() => Promise<void>> = [];
  let certs: TestCerts | null = null;
  let tmp = '';
  let ctx: FaultContext | null = null;
  const recordDir = process.env['CD_FAULTS_RECORD'] ?? null;
  const pending = new Map<string, Promise<Error | null>>();
  const retried: string[] = [];

  before(async function () {
    this.timeout(240000);
    tmp = mkdtempSync(join(tmpdir(), 'cdf-clients-'));
    certs = await testCerts();
    const c = certs;
    const [, , ns] = await Promise.all([cliBundle(), compileClients(tmp, c.caFile), netnsUnavailableReason() === null ? createNamespace() : Promise.resolve(null)]);
    if (ns) stops.push(async () => ns.remove());
    ctx = {
      certs: c,
      emptyNamespace: ns?.name ?? null,
      real: (kind) => {
        let p = reals.get(kind);
        if (!p) {
          p = (async (): Promise<RunningFault | null> => {
            const bin = kind === 'redis-auth' ? '/usr/bin/redis-server' : '/usr/sbin/sshd';
            if (!existsSync(bin)) return null;
            const s = kind === 'redis-auth' ? await startRedis({ password: 'fault-suite' }) : await startSshd();
            stops.push(() => s.stop());
            return { host: V4, port: s.port, netns: null, close: async () => undefined };
          })();
          reals.set(kind, p);
        }
        return p;
      },
    };
    // Every fault once, shared by all the clients that meet it.
    const faults = [...new Set(all.map((s) => s.fault))];
    await Promise.all(
      faults.map(async (f) => {
        const r = await f.start(ctx as FaultContext);
        running.set(f, r);
        if (r) stops.push(() => r.close());
      }),
    );
    if (recordDir) mkdirSync(recordDir, { recursive: true });
    // Start every scenario now, CONCURRENCY at a time; each test awaits its own.
    const queue = all.filter((s) => s.client.unavailable() === null && running.get(s.fault));
    const results = new Map<string, { resolve: (e: Error | null) => void; promise: Promise<Error | null> }>();
    for (const s of queue) {
      let resolve: (e: Error | null) => void = () => undefined;
      const promise = new Promise<Error | null>((r) => (resolve = r));
      results.set(s.id, { resolve, promise });
      pending.set(s.id, promise);
    }
    const worker = async (): Promise<void> => {
      for (let s = queue.shift(); s; s = queue.shift()) {
        const slot = results.get(s.id);
        const fault = running.get(s.fault);
        if (!slot || !fault) continue;
        slot.resolve(await runScenario(s, fault).then(() => null, (e: unknown) => (e instanceof Error ? e : new Error(String(e)))));
      }
    };
    void Promise.all(Array.from({ length: Math.max(1, CONCURRENCY) }, () => worker()));
  });

  after(async function () {
    this.timeout(60000);
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    cleanupNamespaces();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    report(outcomes, skipped, all.length, retried);
  });

  it('the table holds at least 80 scenarios over at least 10 client programs', () => {
    assert.ok(all.length >= 80, `${all.length} scenarios`);
    const programs = new Set(all.map((s) => s.client.program));
    assert.ok(programs.size >= 10, [...programs].join(', '));
    for (const id of Object.keys(KNOWN_MISSES)) assert.ok(all.some((s) => s.id === id), `known miss ${id} is not a scenario`);
  });

  for (const s of all) {
    it(`${s.id}: ${s.fault.does} → ${s.fault.expected}`, async function () {
      this.timeout(600000);
      const why = s.client.unavailable();
      const fault = running.get(s.fault);
      if (why !== null || !fault) {
        skipped.push(`${s.id}: ${why ?? (s.fault.id === 'refused' ? `no network namespace (${netnsUnavailableReason() ?? '?'})` : 'the real server is not installed')}`);
        if (process.env['CI'] === 'true' && why !== null) throw new Error(`CI installs every client: ${why}`);
        this.skip();
      }
      const failure = await pending.get(s.id);
      if (failure) throw failure;
    });
  }

  it('nothing wrong: a healthy server diagnosed without an error is called healthy from here, plainly', async () => {
    const ok = await startHttpOk(V4);
    stops.push(() => ok.close());
    const cli = await cliBundle();
    const run = await runProcess(process.execPath, [cli, 'diagnose', '--json', '--timeout', String(SUITE_DIAG_TIMEOUT_MS), '--attempts', String(ATTEMPTS), `http://${V4}:${ok.port}/`], { env: cleanEnv() });
    assert.equal(run.code, 0, run.stderr);
    const d = parseDiagnosis(run.stdout);
    assert.equal(d.causes[0]?.id, 'healthy-from-here', describeDiagnosis(d));
    assert.match(d.verdict, /looks healthy from here/);
    assert.match(d.verdict, /cannot see/);
    assert.deepEqual(checkConsistency(d), []);
  });

  async function runScenario(s: Scenario, fault: RunningFault): Promise<void> {
    assert.ok(certs);
    const scheme = s.fault.scheme;
    const url = scheme === 'tcp' ? `${fault.host}:${fault.port}` : `${scheme}://${fault.host}:${fault.port}/`;
    const env = cleanEnv(s.fault.trustCa ? { NODE_EXTRA_CA_CERTS: certs.caFile } : {});
    const call: ClientCall = {
      url,
      host: fault.host,
      port: fault.port,
      timeoutS: s.fault.clientTimeoutS ?? 3,
      ...(s.fault.trustCa ? { caFile: certs.caFile } : {}),
      options: { env, netns: fault.netns },
    };
    const client = await s.client.run(call);
    // redis-cli prints a server's error reply and still exits 0: the person reads the text.
    const error = capturedError(s.client.printsErrorsWithExitZero && client.code === 0 ? { ...client, code: 1 } : client, s.id);
    let { d, targetGiven, raw } = await diagnoseText(error, url, call);
    if (starved(d)) {
      // A loaded machine left the probes no time (see starved): once more, after a pause.
      retried.push(s.id);
      await new Promise((r) => setTimeout(r, 1500));
      ({ d, targetGiven, raw } = await diagnoseText(error, url, call));
    }
    const first = d.causes[0]?.id ?? '(none)';
    const ranking = d.causes.slice(0, 3).map((c) => `${c.id} ${c.confidence.toFixed(2)}`).join(', ');
    const seen = d.causes[0]?.evidence.filter((e) => e.supports && (s.fault.probes as readonly string[]).includes(e.probe)) ?? [];
    const ok = first === s.fault.expected && seen.length > 0;
    outcomes.push({ id: s.id, expected: s.fault.expected, first, ranking, targetGiven, ok });
    if (recordDir) {
      const file = join(recordDir, `${s.id.replace(/[^a-z0-9-]+/gi, '_')}.json`);
      writeFileSync(file, JSON.stringify({ scenario: s.id, expected: s.fault.expected, clientOutput: error, ...(JSON.parse(raw) as object) }, null, 2) + '\n');
    }
    if (process.env['CD_FAULTS_VERBOSE'] === '1') process.stdout.write(`      [${s.fault.expected}] ${first === s.fault.expected ? 'first' : 'MISS '} ${ranking}${targetGiven ? ' (target given)' : ''}\n`);
    // Whatever ranks, it must not contradict what the probes saw.
    const contradictions = checkConsistency(d);
    assert.deepEqual(contradictions, [], `the ranking contradicts the probes:\n${contradictions.join('\n')}\n${describeDiagnosis(d)}`);
    const miss = KNOWN_MISSES[s.id];
    if (miss !== undefined) {
      assert.ok(!ok, `${s.id} now ranks ${s.fault.expected} first with live evidence: remove it from KNOWN_MISSES`);
      return;
    }
    assert.equal(first, s.fault.expected, `client said:\n${error.slice(0, 600)}\n${describeDiagnosis(d)}`);
    assert.ok(seen.length > 0, `'${first}' ranked first but no supporting evidence comes from ${s.fault.probes.join('/')}\n${describeDiagnosis(d)}`);
  }
});

/** Prints the figure and every scenario that did not rank first; writes it to CD_FAULTS_FIGURE. */
function report(outcomes: readonly Outcome[], skipped: readonly string[], total: number, retried: readonly string[]): void {
  if (outcomes.length === 0) return;
  const firsts = outcomes.filter((o) => o.first === o.expected);
  const lines = [
    `fault suite (real clients): ${firsts.length}/${outcomes.length} ranked the expected cause first, ${outcomes.filter((o) => o.ok).length} of them with live-probe evidence (${total} scenarios, ${skipped.length} skipped, ${outcomes.filter((o) => o.targetGiven).length} given the target because the text names none)`,
    ...outcomes.filter((o) => !o.ok).map((o) => `  miss ${o.id}: expected ${o.expected}, got ${o.ranking || '(none)'}${o.first === o.expected ? ' (first, but no live-probe evidence)' : ''}${KNOWN_MISSES[o.id] ? ` — known: ${KNOWN_MISSES[o.id]}` : ''}`),
    ...skipped.map((s) => `  skipped ${s}`),
    ...(retried.length > 0 ? [`  diagnosed twice (the first run's probes were starved by machine load): ${retried.join(', ')}`] : []),
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);
  const file = process.env['CD_FAULTS_FIGURE'];
  if (file) writeFileSync(file, lines.join('\n') + '\n');
}
