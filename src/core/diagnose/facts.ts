/**
 * Facts derived across the incident and several probes, for the knowledge
 * base's predicates (root `facts`). Generic computations only — which address
 * the error names, which family a listener serves — never logic for one cause.
 */
import { isIP } from 'node:net';
import { isLoopbackHost } from '../target/address';
import { SCHEME_PORTS } from '../target/schemes';
import type { Family, ListenersData, RepeatData, ResolveData, TcpData } from '../probes/types';
import type { Incident, ProbeResult, Target } from '../types';

/** Facts the predicates can read under the `facts` root; null means unknown. */
export interface Facts {
  /** The IP address written inside the error text (it beats the host name), or null. */
  errorAddress: string | null;
  errorFamily: Family | null;
  errorAddressLoopback: boolean | null;
  /** Time to failure stated in the error text (curl "after N ms", undici "timeout: N ms", Python "timeout=N"), or null. */
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
}

/** Derives the facts; pure. */
export function deriveFacts(target: Target, incident: Incident | null, probes: readonly ProbeResult[]): Facts {
  const byId = new Map(probes.map((p) => [p.id, p]));
  const listeners = usable<ListenersData>(byId.get('listeners'));
  const resolve = usable<ResolveData>(byId.get('resolve'));
  const tcp = usable<TcpData>(byId.get('tcp'));
  const repeat = usable<RepeatData>(byId.get('repeat'));

  const errorAddress = incident ? addressInText(incident.text, incident.port) : null;
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
    errorAddressLoopback: errorAddress ? isLoopback(errorAddress) : null,
    elapsedMs: incident ? elapsedInText(incident.text) : null,
    targetLoopback: isLoopback(target.host),
    listenerFamilies,
    errorAddressCovered: onPort && errorAddress ? onPort.some((l) => covers(l.address, errorAddress)) : null,
    listenersLoopbackOnly: onPort ? onPort.length > 0 && onPort.every((l) => isLoopback(l.address)) : null,
    targetNonLoopback: targetAddresses && targetAddresses.length > 0 ? targetAddresses.every((a) => !isLoopback(a)) : null,
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
  };
}

function usable<D>(p: ProbeResult | undefined): D | null {
  return p && p.status !== 'skipped' ? (p.data as unknown as D) : null;
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)].sort();
}

/** Family of an address written as text. */
export function familyOf(address: string): Family | null {
  const v = isIP(address);
  return v === 4 || v === 6 ? v : null;
}

/** Loopback by name or address (localhost, *.localhost, 127.0.0.0/8, ::1, ::ffff:127.x). */
export const isLoopback = isLoopbackHost;

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

const IP_TOKEN = /[0-9A-Fa-f:.]{2,64}/g;

/** The first IP address inside the text, with a trailing `:port` removed. */
export function addressInText(text: string, port: number | null): string | null {
  for (const m of text.slice(0, 4096).matchAll(IP_TOKEN)) {
    // Sentence punctuation around an address ("at 10.0.0.1." / "host:10.0.0.1") is not part of it.
    let token = m[0].replace(/[.:]+$/, '');
    if (token.startsWith(':') && !token.startsWith('::')) token = token.slice(1);
    const withoutPort = port !== null && token.endsWith(`:${port}`) ? token.slice(0, -(`:${port}`.length)) : null;
    if (withoutPort && isIP(withoutPort)) return withoutPort;
    if (isIP(token)) return token;
    const colon = token.lastIndexOf(':');
    if (colon > 0 && token.includes('.') && isIP(token.slice(0, colon)) === 4) return token.slice(0, colon);
  }
  return null;
}

const AFTER_MS = /\bafter (\d{1,9}) ?(?:ms|milliseconds)\b/i;
const AFTER_S = /\bafter (\d{1,6}(?:\.\d{1,3})?) ?(?:s|sec|seconds)\b/i;
const TIMEOUT_MS = /\btimeout:? ?(\d{1,9}) ?ms\b/i;
const TIMEOUT_S = /\btimeout=(\d{1,6}(?:\.\d{1,3})?)\)/i;

/** Time to failure written in the error text, in ms, or null. */
export function elapsedInText(text: string): number | null {
  const t = text.slice(0, 8192);
  const ms = AFTER_MS.exec(t) ?? TIMEOUT_MS.exec(t);
  if (ms) return Number(ms[1]);
  const s = AFTER_S.exec(t) ?? TIMEOUT_S.exec(t);
  return s ? Math.round(Number(s[1]) * 1000) : null;
}
