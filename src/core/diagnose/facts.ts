/**
 * Facts derived across the incident and several probes, for the knowledge
 * base's predicates (root `facts`). Generic computations only — which address
 * the error names, which family a listener serves — never logic for one cause.
 * What the error text says (address, time to failure) comes from the incident's
 * fields, parsed once by the detector (core/detect/extract.ts).
 */
import { isIP } from 'node:net';
import { isLoopbackHost } from '../target/address';
import { SCHEME_PORTS } from '../target/schemes';
import type { Family, HttpData, ListenersData, RepeatData, ResolveData, TcpData } from '../probes/types';
import type { Incident, ProbeResult, Target } from '../types';

/** Facts the predicates can read under the `facts` root; null means unknown. */
export interface Facts {
  /** The IP address written inside the error text (it beats the host name), as the detector parsed it onto the incident, or null. */
  errorAddress: string | null;
  errorFamily: Family | null;
  errorAddressLoopback: boolean | null;
  /** Time to failure stated in the error text (curl "after N ms", undici "timeout: N ms", Python "timeout=N"), from the incident, or null. */
  elapsedMs: number | null;
  /** The target host is this machine's loopback (localhost, 127.0.0.0/8, ::1, *.localhost). */
  targetLoopback: boolean;
  /** Families the listeners on the target port accept (a :: listener accepts both). */
  listenerFamilies: Family[] | null;
  /** A listener on the target port takes connections to the error's address; null when unknown. */
  errorAddressCovered: boolean | null;
  /** Some listener on the port exists, and every one of them is bound to a loopback address. */
  listenersLoopbackOnly: boolean | null;
  /** The target resolves only to addresses that are not loopback. */
  targetNonLoopback: boolean | null;
  /** A resolved address of the target is served by a listener on the port and another is not. */
  familySplit: boolean | null;
  /** TCP connects to one family were accepted and to the other refused. */
  tcpFamilySplit: boolean | null;
  /** The client's address (the error's, else the target's) is of a family no listener on the port serves. */
  familyMismatch: boolean | null;
  /** Listening ports within ±10 of the target port, closest first. */
  nearbyClose: number[] | null;
  /** Other listening conventional ports (3000, 8080, ...) reported as nearby. */
  nearbyFar: number[] | null;
  /** The scheme's default port listens while the target port is another. */
  defaultPortListening: boolean | null;
  /** Repeat probe's latency p95 / p50, one decimal; null without two numbers. */
  latencySpread: number | null;
  /** Fastest refusal and slowest timeout seen by the tcp probe (ms), or null. */
  refusedMs: number | null;
  timeoutMs: number | null;
  /**
   * When the server's resets (RST) come: 'connect' when a connection was reset before a request
   * could be sent (the tcp probe's watch, or a repeated request reset at its connect/write);
   * 'request' when every connection was accepted and stayed quiet and every reset came only once a
   * request had been sent (http and repeat reset at the response); null when no reset was seen or
   * the probes disagree.
   */
  resetStage: 'connect' | 'request' | null;
}

/** Derives the facts; pure. */
export function deriveFacts(target: Target, incident: Incident | null, probes: readonly ProbeResult[]): Facts {
  const byId = new Map(probes.map((p) => [p.id, p]));
  const listeners = usable<ListenersData>(byId.get('listeners'), 'listeners');
  const resolve = usable<ResolveData>(byId.get('resolve'), 'addresses');
  const tcp = usable<TcpData>(byId.get('tcp'), 'attempts');
  const repeat = usable<RepeatData>(byId.get('repeat'), 'outcomes');
  const http = usable<HttpData>(byId.get('http'), 'closeKind');

  // The detector parsed these from the output onto the incident; the diagnosis never re-reads the text.
  const errorAddress = incident?.address ?? null;
  const errorFamily = errorAddress ? familyOf(errorAddress) : null;
  const onPort = listeners ? listeners.listeners : null;
  const listenerFamilies = onPort ? unique(onPort.flatMap((l) => servedFamilies(l.address))) : null;

  const targetAddresses = resolve ? resolve.addresses.map((a) => a.address) : isIP(target.host) ? [target.host] : null;
  const coverage = listeners?.coverage ?? [];
  const covered = coverage.filter((c) => c.covered);
  const uncovered = coverage.filter((c) => !c.covered);

  const attempts = tcp?.attempts ?? [];
  const acceptedFamilies = new Set(attempts.filter((a) => a.outcome === 'accepted').map((a) => a.family));
  const refused = attempts.filter((a) => a.outcome === 'refused');
  const timeouts = attempts.filter((a) => a.outcome === 'timeout');

  const clientAddresses = errorAddress ? [errorAddress] : (targetAddresses ?? []);
  const nearbyPorts = listeners ? [...new Set(listeners.nearby.map((l) => l.port))].filter((p) => p !== target.port) : null;
  const distance = (p: number): number => Math.abs(p - target.port);
  const defaultPort = target.scheme ? SCHEME_PORTS[target.scheme] : undefined;

  return {
    errorAddress,
    errorFamily,
    errorAddressLoopback: errorAddress ? isLoopbackHost(errorAddress) : null,
    elapsedMs: incident?.elapsedMs ?? null,
    targetLoopback: isLoopbackHost(target.host),
    listenerFamilies,
    errorAddressCovered: onPort && errorAddress ? onPort.some((l) => covers(l.address, errorAddress)) : null,
    listenersLoopbackOnly: onPort ? onPort.length > 0 && onPort.every((l) => isLoopbackHost(l.address)) : null,
    targetNonLoopback: targetAddresses && targetAddresses.length > 0 ? targetAddresses.every((a) => !isLoopbackHost(a)) : null,
    familySplit: listeners ? covered.length > 0 && uncovered.some((u) => covered.every((c) => c.family !== u.family)) : null,
    tcpFamilySplit: tcp ? acceptedFamilies.size > 0 && refused.some((r) => !acceptedFamilies.has(r.family)) : null,
    familyMismatch:
      listenerFamilies && listenerFamilies.length > 0 && clientAddresses.length > 0
        ? clientAddresses.some((a) => {
            const f = familyOf(a);
            return f !== null && !listenerFamilies.includes(f);
          })
        : null,
    nearbyClose: nearbyPorts ? nearbyPorts.filter((p) => distance(p) <= 10).sort((a, b) => distance(a) - distance(b) || a - b) : null,
    nearbyFar: nearbyPorts ? nearbyPorts.filter((p) => distance(p) > 10).sort((a, b) => a - b) : null,
    defaultPortListening: nearbyPorts && defaultPort !== undefined && defaultPort !== target.port ? nearbyPorts.includes(defaultPort) : null,
    latencySpread: repeat && repeat.p50 !== null && repeat.p95 !== null && repeat.p50 > 0 ? Math.round((repeat.p95 / repeat.p50) * 10) / 10 : null,
    refusedMs: refused.length > 0 ? Math.min(...refused.map((a) => a.ms)) : null,
    timeoutMs: timeouts.length > 0 ? Math.max(...timeouts.map((a) => a.ms)) : null,
    resetStage: resetStage(tcp, http, repeat),
  };
}

/** Stages of a repeated HTTP attempt at which nothing of the request had reached the server yet. */
const BEFORE_REQUEST_STAGES: readonly string[] = ['connect', 'request'];

function resetStage(tcp: TcpData | null, http: HttpData | null, repeat: RepeatData | null): Facts['resetStage'] {
  const attempts = tcp?.attempts ?? [];
  const repeated = repeat?.kind === 'http' ? repeat.outcomes.filter((o) => !o.ok) : [];
  const earlyRepeat = repeated.some((o) => o.close === 'reset' && BEFORE_REQUEST_STAGES.includes(o.outcome));
  if (attempts.some((a) => a.outcome === 'reset' || a.afterAccept === 'reset') || earlyRepeat) return 'connect';
  const accepted = attempts.filter((a) => a.outcome === 'accepted');
  const quiet = accepted.length > 0 && accepted.every((a) => a.afterAccept === 'quiet' || a.afterAccept === 'data');
  const httpLate = http !== null && http.closeKind === 'reset' && http.failedAt === 'response' && http.status === null;
  // A repeated attempt that ended without a close (a timeout under load) says nothing either way.
  const repeatLate = repeated.filter((o) => o.close !== undefined).every((o) => o.outcome === 'response' && o.close === 'reset');
  return quiet && httpLate && repeatLate ? 'request' : null;
}

/**
 * A probe's data when it ran to its own end: a skipped probe, or one the overall deadline stopped
 * (its data is only `{reason}`, what a loaded machine produces), has none of its fields.
 */
function usable<D>(p: ProbeResult | undefined, field: string): D | null {
  if (!p || p.status === 'skipped') return null;
  const data: unknown = p.data;
  return typeof data === 'object' && data !== null && field in data ? (data as D) : null;
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)].sort();
}

/** Family of an address written as text. */
export function familyOf(address: string): Family | null {
  const v = isIP(address);
  return v === 4 || v === 6 ? v : null;
}


function servedFamilies(listenAddress: string): Family[] {
  // A :: listener is dual-stack by default (Linux bindv6only=0, Node's default), so it serves IPv4 too.
  if (listenAddress === '::') return [4, 6];
  const f = familyOf(listenAddress);
  return f ? [f] : [];
}

/** A socket listening on `listenAddress` takes connections to `address`. */
export function covers(listenAddress: string, address: string): boolean {
  const norm = (a: string): string => (a.toLowerCase().startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a.toLowerCase());
  const l = norm(listenAddress);
  const a = norm(address);
  if (l === '::') return true;
  if (l === '0.0.0.0') return familyOf(a) === 4;
  return l === a;
}
