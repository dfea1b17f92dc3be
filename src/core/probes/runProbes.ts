/**
 * Orchestration: which probes apply to a target, in what order, within one time budget.
 *
 * Order: resolve first (everything else reuses its addresses). On Linux the listeners
 * snapshot is taken next, before any connection of ours can sit in an accept queue and
 * distort it (it takes a few ms). Then tcp, tls, http, proxy, repeat and keepalive run
 * concurrently. Repeat and keepalive do not wait for the others: they would add a whole
 * timeout for a silent target, and neither needs another probe's result (keepalive reads the
 * Keep-Alive header of its own first response; repeat spaces its attempts start to start).
 *
 * Budget: one deadline, start + timeoutMs, shared by every probe after resolve; when resolution
 * itself (or the listeners snapshot) is slow, the later probes still get at least half a timeout. So a run lasts about the
 * timeout, at most 1.5x with a slow resolver, and a silent target costs one timeout.
 *
 * The tcp probe watches its accepted connections until tls, http, repeat and proxy are done
 * (ctx.watchUntil): a loaded server resets late, after a fixed 100 ms window, and a reset the
 * http probe sees but the tcp probe does not would read as a close after the request.
 */
import type { ProbeId, ProbeResult, Target } from '../types';
import { PROBE_IDS } from '../types';
import { result, since, timeoutOf } from './budget';
import { httpProbe } from './http';
import { keepaliveProbe } from './keepalive';
import { DEADLINE_GRACE_MS } from './limits';
import { listenersProbe } from './listeners';
import { proxyProbe } from './proxy';
import { repeatProbe } from './repeat';
import { resolveProbe } from './resolve';
import { serviceProbe } from './service';
import { HTTP_SCHEMES } from '../target/schemes';
import { isLocalHost, localAddresses } from './target';
import { tcpProbe } from './tcp';
import { tlsMode, tlsProbe } from './tls';
import type { Probe, ProbeContext, ResolveData, RunProbesOptions } from './types';

const PROBES: Readonly<Record<ProbeId, Probe<object>>> = {
  resolve: resolveProbe, tcp: tcpProbe, tls: tlsProbe, http: httpProbe,
  listeners: listenersProbe, proxy: proxyProbe, repeat: repeatProbe, keepalive: keepaliveProbe, service: serviceProbe,
};

/** Whether the target (by name or by any resolved address) is this machine. */
export function targetIsLocal(target: Target, resolved: ResolveData | null): boolean {
  const mine = localAddresses();
  if (isLocalHost(target.host, mine)) return true;
  return resolved !== null && resolved.addresses.some((a) => isLocalHost(a.address, mine));
}

/** Why a probe does not apply to this target (after resolution), or null when it applies. */
export function skipReason(id: ProbeId, target: Target, ctx: ProbeContext, resolved: ResolveData | null): string | null {
  const unresolved = resolved !== null && resolved.addresses.length === 0;
  const http = target.scheme !== null && HTTP_SCHEMES.has(target.scheme);
  switch (id) {
    case 'resolve':
    case 'proxy':
      return null;
    case 'tcp':
    case 'repeat':
      if (id === 'repeat' && (ctx.attempts ?? 1) <= 0) return 'no attempts requested';
      return unresolved ? `the name did not resolve (${resolved?.failure ?? 'no address'})` : null;
    case 'tls':
      if (tlsMode(target, ctx) === null) return `scheme ${target.scheme ?? ''} does not start with TLS`;
      return unresolved ? 'the name did not resolve' : null;
    case 'http':
    case 'keepalive':
      if (!http) return `not an HTTP target (${target.scheme ?? 'no scheme'})`;
      if (unresolved) return 'the name did not resolve';
      // The idle-close race explains resets and hang-ups; idling costs up to the whole budget.
      if (id === 'keepalive' && !['reset', 'closed'].includes(ctx.incident?.category ?? '')) {
        return 'runs when the failure is a reset or a hang-up (idle connection reuse)';
      }
      return null;
    case 'listeners':
      return targetIsLocal(target, resolved) ? null : 'the target is not this machine';
    case 'service':
      if (target.scheme === 'http' || target.scheme === 'ws') return 'the http probe speaks plain HTTP';
      return unresolved ? 'the name did not resolve' : null;
  }
}

/** Probes whose connections the tcp probe's after-accept watch waits for (see ProbeContext.watchUntil). */
const WATCHED: ReadonlySet<ProbeId> = new Set<ProbeId>(['tls', 'http', 'repeat', 'proxy']);


function skipped(id: ProbeId, reason: string): ProbeResult {
  return result(id, 'skipped', 0, reason, { reason });
}

/** Runs every applicable probe against the target within about ctx.timeoutMs; results in PROBE_IDS order, never throws. */
export async function runProbes(target: Target, options: RunProbesOptions): Promise<ProbeResult[]> {
  const timeoutMs = timeoutOf(options);
  const start = Date.now();
  const wanted = (id: ProbeId): boolean => !options.only || options.only.includes(id);
  const results = new Map<ProbeId, ProbeResult>();
  const notify = (r: ProbeResult, phase: 'start' | 'done'): void => {
    try {
      options.onProbe?.(r, phase);
    } catch {
      // A failing observer must not stop the diagnosis.
    }
  };
  // A wall behind the probes' own budgets: whatever a probe still waits for at the
  // deadline is aborted, so the whole run ends within the timeout.
  const hardStop = new AbortController();
  const run = async (id: ProbeId, ctx: ProbeContext): Promise<void> => {
    notify(result(id, 'skipped', 0, 'running', { reason: 'running' }), 'start');
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const overdue = new Promise<ProbeResult>((resolve) => {
      const wait = Math.max(0, (ctx.deadline ?? Date.now() + timeoutMs) + DEADLINE_GRACE_MS - Date.now());
      timer = setTimeout(() => {
        const stopped = options.signal?.aborted ? 'ABORTED' : 'ETIMEDOUT';
        resolve(result(id, 'fail', since(started), `no answer within the ${timeoutMs} ms timeout`, { reason: 'deadline' }, { code: stopped, message: 'stopped at the overall deadline' }));
      }, wait);
    });
    let r: ProbeResult;
    try {
      r = await Promise.race([PROBES[id](target, ctx) as Promise<ProbeResult>, overdue]);
    } catch (err) {
      r = result(id, 'fail', 0, `probe crashed: ${String(err)}`, {});
    } finally {
      clearTimeout(timer);
    }
    results.set(id, r);
    notify(r, 'done');
  };
  const settle = (id: ProbeId, reason: string): void => {
    const r = skipped(id, reason);
    results.set(id, r);
    notify(r, 'done');
  };

  const signal = options.signal ? AbortSignal.any([options.signal, hardStop.signal]) : hardStop.signal;
  const base: ProbeContext = { ...options, signal, timeoutMs, deadline: start + timeoutMs };
  let resolved: ResolveData | null = null;
  if (wanted('resolve') || PROBE_IDS.some((id) => id !== 'resolve' && wanted(id))) {
    if (wanted('resolve')) notify(result('resolve', 'skipped', 0, 'running', { reason: 'running' }), 'start');
    const r = await resolveProbe(target, base);
    resolved = r.data;
    if (wanted('resolve')) {
      results.set('resolve', r as unknown as ProbeResult);
      notify(r as unknown as ProbeResult, 'done');
    }
  }
  // The tcp probe watches its accepted connections until the other connecting probes are done
  // (a busy server resets late; the http probe must not be the only one to see it). It costs no
  // time: the run waits for those probes anyway. Keepalive is left out: it idles on purpose.
  let othersDone: () => void = () => undefined;
  const watchUntil = new Promise<void>((resolve) => (othersDone = resolve));
  const ctx: ProbeContext = { ...base, deadline: Math.max(start + timeoutMs, Date.now() + timeoutMs / 2), watchUntil, ...(resolved ? { resolved } : {}) };
  const rest = PROBE_IDS.filter((id) => id !== 'resolve');
  const pending: Promise<void>[] = [];
  const watched: Promise<void>[] = [];
  const launch = (id: ProbeId): void => {
    if (!wanted(id)) return settle(id, 'not requested');
    if (options.signal?.aborted) return settle(id, 'aborted');
    const reason = skipReason(id, target, ctx, resolved);
    if (reason) return settle(id, reason);
    const running = run(id, ctx);
    pending.push(running);
    if (WATCHED.has(id)) watched.push(running);
  };
  if (process.platform === 'linux' && !skipReason('listeners', target, ctx, resolved) && wanted('listeners')) {
    await run('listeners', ctx);
    // A slow snapshot (a loaded machine) must not eat the connecting probes' budget: they still get half a timeout.
    ctx.deadline = Math.max(ctx.deadline ?? 0, Date.now() + timeoutMs / 2);
  } else {
    launch('listeners');
  }
  for (const id of rest) if (id !== 'listeners') launch(id);
  void Promise.all(watched).then(othersDone);
  await Promise.all(pending);
  othersDone();
  // Frees the sockets and timers of any probe the deadline overtook.
  hardStop.abort();
  if (!wanted('resolve')) results.set('resolve', skipped('resolve', 'not requested'));
  return PROBE_IDS.map((id) => results.get(id) ?? skipped(id, 'not run'));
}
