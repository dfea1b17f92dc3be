/**
 * One TCP connect with a hard deadline, abort support and a short settle window after the
 * accept (to see a reset, a close or a banner). Shared by tcp, repeat and proxy.
 */
import { connect, isIP } from 'node:net';
import type { LookupFunction } from 'node:net';
import { firstLine, since } from './budget';
import { WATCH_GRACE_MS } from './limits';
import { probeStep } from './step';
import type { Address, AfterAccept, Family, ResolveData, TcpAttempt, TcpOutcome } from './types';

/** errno codes that mean "no route": the network or host cannot be reached. */
const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENETDOWN', 'EHOSTDOWN']);

/** Maps an errno code to a TCP outcome. */
export function classifyConnectError(code: string | undefined): TcpOutcome {
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ETIMEDOUT') return 'timeout';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'reset';
  if (code !== undefined && UNREACHABLE.has(code)) return 'unreachable';
  return 'error';
}

/** Options of tcpAttempt. */
export interface AttemptOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Watch an accepted connection this long for a reset / close / banner; 0 to close at once. */
  settleMs?: number;
  /** Connect by name through this lookup (Happy Eyeballs like a client) instead of to one address. */
  lookup?: LookupFunction;
  /**
   * Keep watching a quiet accepted connection past settleMs until this settles (then WATCH_GRACE_MS
   * more), still within timeoutMs: a busy server sends its reset late, and a short fixed window
   * would call such a connection quiet.
   */
  watchUntil?: Promise<unknown>;
}

/** Connects once to address:port (or host:port through `lookup`); never throws, never outlives timeoutMs. */
export function tcpAttempt(target: Address | { host: string }, port: number, opts: AttemptOptions): Promise<TcpAttempt> {
  const t0 = performance.now();
  const host = 'address' in target ? target.address : target.host;
  const guessFamily = (): Family => (isIP(host.split('%')[0] ?? host) === 6 ? 6 : 4);
  return probeStep<TcpAttempt>({ timeoutMs: opts.timeoutMs, signal: opts.signal }, (step) => {
    let connectMs: number | undefined;
    let settleTimer: NodeJS.Timeout | undefined;
    const socket = 'address' in target
      ? connect({ host: target.address, port, family: target.family })
      : connect({ host: target.host, port, lookup: opts.lookup, autoSelectFamily: true });
    const attempt = (outcome: TcpOutcome, extra: { code?: string; afterAccept?: AfterAccept; banner?: string } = {}): TcpAttempt => {
      const a: TcpAttempt = {
        address: socket.remoteAddress ?? host,
        family: socket.remoteFamily === 'IPv6' ? 6 : socket.remoteFamily === 'IPv4' ? 4 : guessFamily(),
        outcome,
        // An accepted connect is timed to the handshake, not to the end of the settle window.
        ms: outcome === 'accepted' && connectMs !== undefined ? connectMs : since(t0),
      };
      if (extra.code) a.code = extra.code;
      if (connectMs !== undefined) a.connectMs = connectMs;
      if (extra.afterAccept) a.afterAccept = extra.afterAccept;
      if (connectMs !== undefined && outcome === 'accepted') a.watchedMs = Math.max(0, Math.round((since(t0) - connectMs) * 10) / 10);
      if (extra.banner) a.banner = extra.banner;
      return a;
    };
    const end = (outcome: TcpOutcome, extra?: { code?: string; afterAccept?: AfterAccept; banner?: string }): void => step.finish(attempt(outcome, extra));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // ECONNRESET means the handshake completed (a closed port answers ECONNREFUSED), even when
      // the RST overtakes our 'connect' event on loopback.
      const outcome = classifyConnectError(err.code);
      end(outcome, { code: err.code ?? 'ERROR', ...(outcome === 'reset' || connectMs !== undefined ? { afterAccept: 'reset' as const } : {}) });
    });
    socket.once('connect', () => {
      connectMs = since(t0);
      const settle = Math.min(opts.settleMs ?? 0, Math.max(0, opts.timeoutMs - connectMs));
      if (settle <= 0) {
        end('accepted');
        return;
      }
      const quiet = (): void => end('accepted', { afterAccept: 'quiet' });
      settleTimer = setTimeout(() => {
        if (!opts.watchUntil) return quiet();
        // The step's deadline (timeoutMs) still ends the watch when watchUntil takes longer.
        void opts.watchUntil.then(() => {
          if (step.done) return;
          settleTimer = setTimeout(quiet, WATCH_GRACE_MS);
          settleTimer.unref();
        }, quiet);
      }, settle);
      settleTimer.unref();
      socket.once('data', (chunk: Buffer) => end('accepted', { afterAccept: 'data', banner: firstLine(chunk) }));
      // 'end' is the peer's FIN (a graceful close); an RST arrives as the ECONNRESET 'error' above.
      socket.once('end', () => end('accepted', { afterAccept: 'closed' }));
    });
    return {
      timeout: () => (connectMs !== undefined ? attempt('accepted', { afterAccept: 'quiet' }) : attempt('timeout', { code: 'ETIMEDOUT' })),
      abort: () => attempt('aborted', { code: 'ABORTED' }),
      cleanup: () => {
        if (settleTimer) clearTimeout(settleTimer);
        socket.destroy();
      },
    };
  });
}

/** A lookup function that answers from the resolve probe's data, so later probes do not resolve again. */
export function lookupFrom(resolved: ResolveData | undefined): LookupFunction | undefined {
  if (!resolved) return undefined;
  // A name that did not resolve is not asked again in-process: that getaddrinfo could hang past every deadline.
  if (resolved.addresses.length === 0) return failedLookup(resolved);
  const list = resolved.addresses;
  const fn = (_host: string, options: { all?: boolean; family?: number | string }, callback: (...args: unknown[]) => void): void => {
    const fam = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    const usable = fam === 4 || fam === 6 ? list.filter((a) => a.family === fam) : list;
    const chosen = usable.length > 0 ? usable : list;
    const first = chosen[0] as Address;
    process.nextTick(() => {
      if (options.all) callback(null, chosen.map((a) => ({ address: a.address, family: a.family })));
      else callback(null, first.address, first.family);
    });
  };
  return fn as unknown as LookupFunction;
}

/** A lookup function that fails at once with the resolve probe's own failure. */
function failedLookup(resolved: ResolveData): LookupFunction {
  const code = resolved.lookup?.error?.code ?? 'ENOTFOUND';
  const fn = (_host: string, _options: unknown, callback: (...args: unknown[]) => void): void => {
    process.nextTick(() => callback(Object.assign(new Error(`${resolved.host} did not resolve (${code})`), { code })));
  };
  return fn as unknown as LookupFunction;
}
