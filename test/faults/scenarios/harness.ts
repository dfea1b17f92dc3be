/**
 * The fault suite's plumbing: child processes (argument arrays, never a shell, always a
 * deadline), the diagnose CLI run as a real child process, its JSON checked into a typed
 * shape, the first-cause assertion with a report the lead can act on, quiet loopback
 * ports, and a cleanup stack every scenario registers its servers into.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ProbeId } from '../../../src/core/types';
import { inNamespace } from '../netns';

/** Root of the repository. */
export const REPO = resolve(__dirname, '..', '..', '..');

/** Per-probe timeout the suite gives the diagnosis (small, so the suite stays quick). */
export const DIAG_TIMEOUT_MS = 1500;
/** Attempts of the repeat probe. */
export const DIAG_ATTEMPTS = 3;

/** Where the system curl lives, or null when it is not installed. */
export const CURL = ['/usr/bin/curl', '/usr/local/bin/curl', '/bin/curl'].find((p) => existsSync(p)) ?? null;

/** What a finished child process left. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** The deadline killed it. */
  timedOut: boolean;
}

/** Options of a child process. */
export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Kill (SIGKILL) after this many ms; default 15000. */
  timeoutMs?: number;
  /** Run inside this network namespace (`ip netns exec NAME ...`). */
  netns?: string | null;
}

/** Runs `file args...` to completion; never rejects (a spawn failure is a result with code null). */
export function runProcess(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const cmd = inNamespace(options.netns ?? null, file, args);
  const started = Date.now();
  return new Promise((done) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let child: ChildProcess;
    try {
      child = spawn(cmd.file, cmd.args, { cwd: REPO, env: options.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      done({ code: null, signal: null, stdout, stderr: e instanceof Error ? e.message : String(e), ms: 0, timedOut });
      return;
    }
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 15000);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => (stderr += e.message));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut });
    });
  });
}

/** Runs a Node client script (`node -e SOURCE ARGS...`); its process.argv.slice(1) are ARGS. */
export function runNodeClient(source: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return runProcess(process.execPath, ['-e', source, ...args], options);
}

/** Runs curl with -sS (errors on stderr, no progress meter). */
export function runCurl(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  if (CURL === null) throw new Error('curl is not installed');
  return runProcess(CURL, ['-sS', '-o', '/dev/null', ...args], options);
}

/**
 * The error a client printed, as a person would copy it from the terminal. Throws (failing the
 * scenario) when the client did not fail: the fault did not reproduce, so nothing is diagnosed.
 */
export function capturedError(r: RunResult, what: string): string {
  const text = (r.stderr.trim() || r.stdout.trim()).slice(0, 4000);
  if (r.code === 0 || r.timedOut || text === '') {
    throw new Error(`${what}: the client did not fail as the fault should make it (exit ${String(r.code)}, timedOut ${String(r.timedOut)}):\n${r.stdout}${r.stderr}`);
  }
  return text;
}

/** A long-running child (a server inside a namespace, a stuck listener). */
export interface BackgroundChild {
  child: ChildProcess;
  /** The capture groups of the ready line. */
  ready: RegExpExecArray;
  stop(): Promise<void>;
}

/** Starts `file args...` and waits until a stdout line matches `readyLine` (rejects after timeoutMs). */
export function startBackground(file: string, args: readonly string[], readyLine: RegExp, options: RunOptions = {}): Promise<BackgroundChild> {
  const cmd = inNamespace(options.netns ?? null, file, args);
  const child = spawn(cmd.file, cmd.args, { cwd: REPO, env: options.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = (): Promise<void> =>
    new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGKILL');
    });
  return new Promise((resolveReady, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${file} did not become ready: ${out}${err}`));
    }, options.timeoutMs ?? 10000);
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      for (const line of out.split('\n')) {
        const m = readyLine.exec(line);
        if (m) {
          clearTimeout(timer);
          resolveReady({ child, ready: m, stop });
          return;
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited (${String(code)}) before it was ready: ${out}${err}`));
    });
  });
}

// ---------------------------------------------------------------- the diagnose CLI

/** One evidence item as the CLI prints it. */
export interface CliEvidence {
  probe: string;
  supports: boolean;
  text: string;
}

/** One ranked cause as the CLI prints it. */
export interface CliCause {
  id: string;
  title: string;
  confidence: number;
  evidence: CliEvidence[];
}

/** One probe result as the CLI prints it. */
export interface CliProbe {
  id: string;
  status: string;
  ms: number;
  summary: string;
  data: unknown;
  error?: { code: string; message: string };
}

/** The parts of `diagnose --json` the suite relies on. */
export interface CliDiagnosis {
  target: { host: string; port: number; scheme: string | null; url: string | null };
  incident: { category: string; code: string | null; host: string | null; port: number | null } | null;
  probes: CliProbe[];
  causes: CliCause[];
  verdict: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(path: string, want: string): never {
  throw new Error(`diagnose --json: ${path} is not ${want}`);
}

/** Checks the CLI's JSON against the contract of issue 4 and returns it typed. */
export function parseDiagnosis(json: string): CliDiagnosis {
  const v: unknown = JSON.parse(json);
  if (!isRecord(v)) fail('the output', 'an object');
  const t = v['target'];
  if (!isRecord(t) || typeof t['host'] !== 'string' || typeof t['port'] !== 'number') fail('target', '{host, port, ...}');
  if (!Array.isArray(v['probes'])) fail('probes', 'an array');
  if (!Array.isArray(v['causes'])) fail('causes', 'an array');
  if (typeof v['verdict'] !== 'string') fail('verdict', 'a string');
  const probes = v['probes'].map((p: unknown, i): CliProbe => {
    if (!isRecord(p) || typeof p['id'] !== 'string' || typeof p['status'] !== 'string' || typeof p['summary'] !== 'string') fail(`probes[${i}]`, '{id, status, summary, ...}');
    const error = isRecord(p['error']) ? { code: String(p['error']['code']), message: String(p['error']['message']) } : undefined;
    return { id: p['id'], status: p['status'], ms: typeof p['ms'] === 'number' ? p['ms'] : NaN, summary: p['summary'], data: p['data'], ...(error ? { error } : {}) };
  });
  const causes = v['causes'].map((c: unknown, i): CliCause => {
    if (!isRecord(c) || typeof c['id'] !== 'string' || typeof c['confidence'] !== 'number' || !Array.isArray(c['evidence'])) fail(`causes[${i}]`, '{id, confidence, evidence, ...}');
    const evidence = c['evidence'].map((e: unknown, j): CliEvidence => {
      if (!isRecord(e) || typeof e['probe'] !== 'string' || typeof e['supports'] !== 'boolean' || typeof e['text'] !== 'string') fail(`causes[${i}].evidence[${j}]`, '{probe, supports, text}');
      return { probe: e['probe'], supports: e['supports'], text: e['text'] };
    });
    return { id: c['id'], title: typeof c['title'] === 'string' ? c['title'] : '', confidence: c['confidence'], evidence };
  });
  const inc = v['incident'];
  const incident = isRecord(inc)
    ? {
        category: String(inc['category']),
        code: typeof inc['code'] === 'string' ? inc['code'] : null,
        host: typeof inc['host'] === 'string' ? inc['host'] : null,
        port: typeof inc['port'] === 'number' ? inc['port'] : null,
      }
    : null;
  const target = { host: t['host'], port: t['port'], scheme: typeof t['scheme'] === 'string' ? t['scheme'] : null, url: typeof t['url'] === 'string' ? t['url'] : null };
  return { target, incident, probes, causes, verdict: v['verdict'] };
}

let builtCli: string | null = null;
let buildDir: string | null = null;

/**
 * The CLI bundle the suite runs. `npm test` runs the unit suites before `npm run build`, so the
 * suite bundles src/cli.ts itself (esbuild, same settings as esbuild.js) into a private temp
 * directory: it always diagnoses with the current source. CD_FAULTS_CLI=path uses a given bundle.
 */
export async function cliBundle(): Promise<string> {
  const given = process.env['CD_FAULTS_CLI'];
  if (given) return resolve(given);
  if (builtCli !== null) return builtCli;
  const { build } = await import('esbuild');
  buildDir = mkdtempSync(join(tmpdir(), 'cdf-cli-'));
  const outfile = join(buildDir, 'cli.js');
  await build({ entryPoints: [join(REPO, 'src', 'cli.ts')], outfile, bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'silent' });
  process.once('exit', removeCliBundle);
  builtCli = outfile;
  return outfile;
}

/** Deletes the private CLI bundle. */
export function removeCliBundle(): void {
  if (buildDir !== null) rmSync(buildDir, { recursive: true, force: true });
  buildDir = null;
  builtCli = null;
}

/** What a diagnosis run gets. */
export interface DiagnoseRequest extends RunOptions {
  /** TARGET argument (URL, host:port, [v6]:port); omitted to let the error text supply it. */
  target?: string;
  /** The captured error text (--error). */
  error?: string;
  diagTimeoutMs?: number;
  attempts?: number;
}

/** A diagnosis run: the parsed JSON plus the process it came from. */
export interface DiagnoseRun {
  diagnosis: CliDiagnosis;
  run: RunResult;
  args: string[];
}

/** Runs `node CLI diagnose --json --timeout T --attempts N [--error TEXT] [TARGET]` as a child process. */
export async function diagnose(req: DiagnoseRequest): Promise<DiagnoseRun> {
  const cli = await cliBundle();
  const args = ['diagnose', '--json', '--timeout', String(req.diagTimeoutMs ?? DIAG_TIMEOUT_MS), '--attempts', String(req.attempts ?? DIAG_ATTEMPTS)];
  if (req.error !== undefined) args.push('--error', req.error);
  if (req.target !== undefined) args.push(req.target);
  const run = await runProcess(process.execPath, [cli, ...args], { ...req, timeoutMs: req.timeoutMs ?? 20000 });
  if (run.code !== 0) throw new Error(`diagnose exited ${String(run.code)}${run.timedOut ? ' (killed at the deadline)' : ''}:\n${run.stderr}${run.stdout.slice(0, 2000)}`);
  let diagnosis: CliDiagnosis;
  try {
    diagnosis = parseDiagnosis(run.stdout);
  } catch (e) {
    throw new Error(`diagnose printed no valid JSON (${e instanceof Error ? e.message : String(e)}):\n${run.stdout.slice(0, 2000)}\n${run.stderr}`);
  }
  return { diagnosis, run, args };
}

/**
 * The probes had no time: a TCP connect to a port a local listener holds timed out (on loopback the
 * kernel answers every SYN; no loopback fault here drops one), or a probe hit the overall deadline.
 * The CLI takes its own start-up out of --timeout, and on a loaded machine that can be most of it.
 */
export function starved(d: CliDiagnosis): boolean {
  const tcp = d.probes.find((p) => p.id === 'tcp');
  const listeners = d.probes.find((p) => p.id === 'listeners');
  const held = JSON.stringify(listeners?.data ?? null).includes('"onTargetPort":true');
  const timedOut = JSON.stringify(tcp?.data ?? null).includes('"outcome":"timeout"');
  return (held && timedOut) || d.probes.some((p) => /no answer within the \d+ ms timeout/.test(p.summary));
}

/** A readable account of a diagnosis, for assertion messages and the lead's report. */
export function describeDiagnosis(d: CliDiagnosis): string {
  const causes = d.causes
    .slice(0, 4)
    .map((c, i) => `  ${i + 1}. ${c.id} (${c.confidence.toFixed(2)}): ${c.evidence.map((e) => `[${e.probe}${e.supports ? '+' : '-'}] ${e.text}`).join(' | ')}`)
    .join('\n');
  const probes = d.probes.map((p) => `  ${p.id} ${p.status} ${Number.isFinite(p.ms) ? Math.round(p.ms) : '?'}ms: ${p.summary}${p.error ? ` (${p.error.code})` : ''}`).join('\n');
  const incident = d.incident ? `${d.incident.category} ${d.incident.code ?? '-'} ${d.incident.host ?? '-'}:${d.incident.port ?? '-'}` : 'none';
  return `target ${d.target.host}:${d.target.port} (${d.target.scheme ?? 'no scheme'}); incident: ${incident}\nverdict: ${d.verdict}\ncauses:\n${causes || '  (none)'}\nprobes:\n${probes}`;
}

/**
 * The scenario's verdict: `expected` must rank first, and its supporting evidence must come from
 * one of `probes` (a live probe saw the fault, not only the error text). The message on failure
 * carries what ranked first and every probe summary.
 */
export function assertFirstCause(run: DiagnoseRun, expected: string, probes: readonly string[]): void {
  const d = run.diagnosis;
  const first = d.causes[0];
  if (!first || first.id !== expected) {
    throw new Error(`expected '${expected}' to rank first, got '${first?.id ?? 'no cause'}'\n${describeDiagnosis(d)}`);
  }
  const seen = first.evidence.filter((e) => e.supports && probes.includes(e.probe));
  if (seen.length === 0) {
    throw new Error(`'${expected}' ranked first but no supporting evidence comes from ${probes.join('/')}\n${describeDiagnosis(d)}`);
  }
}

// ---------------------------------------------------------------- ports

/** Ports with a listening TCP socket in this namespace (from /proc/net/tcp and tcp6). */
export function listeningPorts(): Set<number> {
  const ports = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] !== '0A') continue; // LISTEN
      const port = parseInt((cols[1] ?? '').split(':')[1] ?? '', 16);
      if (Number.isFinite(port)) ports.add(port);
    }
  }
  return ports;
}

function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((done) => {
    const s = createServer();
    s.once('error', () => done(false));
    s.listen({ port, host, exclusive: true }, () => s.close(() => done(true)));
  });
}

/**
 * A port below the ephemeral range with no listener within ±span and bindable on 127.0.0.1 and
 * ::1, so "nothing listens here or nearby" holds even with other test suites running.
 */
export async function quietPort(span = 12): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const p = 20000 + Math.floor(Math.random() * 9000);
    const busy = listeningPorts();
    let near = false;
    for (let q = p - span; q <= p + span; q++) if (busy.has(q)) near = true;
    if (near) continue;
    if ((await canBind(p, '127.0.0.1')) && (await canBind(p, '::1')) && (await canBind(p + 1, '127.0.0.1'))) return p;
  }
  throw new Error('no quiet port found');
}

// ---------------------------------------------------------------- cleanup

/** A stack of cleanups, run in reverse order; each one is awaited and its failure ignored. */
export class Cleanup {
  private readonly tasks: Array<() => unknown> = [];

  /** Registers a cleanup. */
  add(task: () => unknown): void {
    this.tasks.push(task);
  }

  /** Runs and forgets every registered cleanup. */
  async run(): Promise<void> {
    while (this.tasks.length > 0) {
      const task = this.tasks.pop();
      try {
        await task?.();
      } catch {
        // Cleanup is best effort; the scenario's own assertion reports the failure.
      }
    }
  }
}

// ---------------------------------------------------------------- one scenario

const PROXY_VARS = /^(?:https?|all|no)_proxy$/i;

/**
 * The environment clients and the diagnosis run with: the suite's own, minus proxy variables and
 * extra CAs the machine may have (a scenario adds exactly the ones it is about).
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (PROXY_VARS.test(k) || k === 'NODE_EXTRA_CA_CERTS' || k === 'NODE_OPTIONS' || k === 'NODE_DEBUG') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** A scenario's diagnosis step: the client's captured error, the target, where to run. */
export interface Expectation extends RunOptions {
  /** The cause id that must rank first. */
  expected: string;
  /** Probes of which at least one must give supporting evidence for it. */
  probes: readonly ProbeId[];
  /** The client run whose error the diagnosis receives. */
  client: RunResult;
  /** What the client did (for messages). */
  what: string;
  target?: string;
}

/**
 * Feeds the client's error to `diagnose` (as a child process, in the same namespace and with the
 * same environment as the client) and asserts the expected cause ranks first. With
 * CD_FAULTS_VERBOSE=1 it prints what ranked first.
 */
export async function expectDiagnosis(x: Expectation): Promise<DiagnoseRun> {
  const error = capturedError(x.client, x.what);
  const req = { ...(x.target !== undefined ? { target: x.target } : {}), error, env: x.env ?? cleanEnv(), netns: x.netns ?? null };
  let run = await diagnose(req);
  // Starved probes (a loaded machine) saw nothing of the fault: diagnose once more, after a pause.
  // Only on loopback: in a namespace a timeout may be the fault itself.
  if (req.netns === null && starved(run.diagnosis)) {
    await new Promise((r) => setTimeout(r, 1500));
    run = await diagnose(req);
  }
  if (process.env['CD_FAULTS_VERBOSE'] === '1') {
    const d = run.diagnosis;
    const top = d.causes.slice(0, 3).map((c) => `${c.id} ${c.confidence.toFixed(2)}`).join(', ');
    process.stdout.write(`      [${x.expected}] ${x.what}: ${top} (${run.run.ms} ms)\n`);
  }
  assertFirstCause(run, x.expected, x.probes);
  return run;
}
