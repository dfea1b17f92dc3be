/**
 * Target parsing: URLs of web and service schemes, host:port, [ipv6]:port and Node's own
 * "::1:3000" style, plus the checks that decide whether a target is this machine.
 * Hand-written scanning instead of regular expressions: inputs come from untrusted output.
 */
import { isIP, isIPv6 } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { domainToASCII } from 'node:url';
import { hostPort, isLocalhostName, isLoopbackAddress, isWildcardAddress, splitHostPort as splitAddress, unbracket, urlHost } from '../target/address';
import { SCHEME_PORTS } from '../target/schemes';
import type { Incident, Target } from '../types';

const HOST_CHARS = new Set('abcdefghijklmnopqrstuvwxyz0123456789-._');

function parsePort(text: string): number | null {
  if (text.length === 0 || text.length > 5) return null;
  for (const ch of text) if (ch < '0' || ch > '9') return null;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : null;
}

/** Strips the zone (%eth0) for validation; Node connects to zoned addresses as given. */
function isIPv6Zoned(text: string): boolean {
  const pct = text.indexOf('%');
  if (pct === 0 || pct === text.length - 1) return false;
  return isIPv6(pct > 0 ? text.slice(0, pct) : text);
}

/** Validates and normalises a host name or IPv4 literal; returns null when it is not one. */
function normaliseName(raw: string): string | null {
  if (raw.length === 0 || raw.length > 253) return null;
  if (isIP(raw) === 4) return raw;
  const ascii = domainToASCII(raw.toLowerCase());
  if (!ascii) return null;
  for (const ch of ascii) if (!HOST_CHARS.has(ch)) return null;
  if (ascii.startsWith('.') || ascii.startsWith('-') || ascii.includes('..')) return null;
  return ascii.endsWith('.') ? ascii.slice(0, -1) : ascii;
}

/** host[:port] or [v6]:port or bare v6:port → validated host and optional port. */
function splitHostPort(hostport: string): { host: string; port: number | null } | { error: string } {
  const parts = splitAddress(hostport);
  if (parts.error) return { error: parts.error };
  const bracketed = hostport.startsWith('[');
  const v6 = bracketed || parts.host.includes(':');
  if (v6 && !isIPv6Zoned(parts.host)) {
    return { error: bracketed ? `"${parts.host}" is not an IPv6 address` : `"${hostport}" is neither host:port nor an IPv6 address` };
  }
  const host = v6 ? parts.host : normaliseName(parts.host);
  if (!host) return { error: `"${parts.host}" is not a host name or address` };
  if (parts.port === null) return { host, port: null };
  const port = parsePort(parts.port);
  return port === null ? { error: `invalid port "${parts.port}" (1-65535)` } : { host, port };
}

/** The URL a probe may print: no userinfo, no fragment. */
function cleanUrl(scheme: string, host: string, port: number, rest: string): string {
  const h = urlHost(host);
  const defaultPort = SCHEME_PORTS[scheme];
  const hash = rest.indexOf('#');
  const tail = hash >= 0 ? rest.slice(0, hash) : rest;
  return `${scheme}://${h}${port === defaultPort ? '' : `:${port}`}${tail.startsWith('/') || tail.startsWith('?') ? tail : `/${tail}`}`;
}

function parseUrl(input: string, sep: number): Target | { error: string } {
  const scheme = input.slice(0, sep).toLowerCase();
  for (const ch of scheme) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch === '+' || ch === '-' || ch === '.')) {
      return { error: `invalid URL scheme "${input.slice(0, sep)}"` };
    }
  }
  const afterScheme = input.slice(sep + 3);
  let end = afterScheme.length;
  for (const stop of ['/', '?', '#']) {
    const i = afterScheme.indexOf(stop);
    if (i >= 0 && i < end) end = i;
  }
  let authority = afterScheme.slice(0, end);
  const rest = afterScheme.slice(end);
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  // mongodb://a:1,b:2/ lists several hosts: the first one is probed.
  const comma = authority.indexOf(',');
  if (comma >= 0) authority = authority.slice(0, comma);
  if (authority === '') return { error: `no host in "${input}"` };
  const hp = splitHostPort(authority.includes('%25') ? authority.replace('%25', '%') : authority);
  if ('error' in hp) return hp;
  const port = hp.port ?? SCHEME_PORTS[scheme];
  if (port === undefined) return { error: `no port in "${input}" and no default port for scheme "${scheme}"` };
  return { host: hp.host, port, scheme, url: cleanUrl(scheme, hp.host, port, rest) };
}

/** Parses a URL, host:port, [ipv6]:port or Node-style ipv6:port; returns `{error}` with one clear line otherwise. */
export function parseTarget(input: string): Target | { error: string } {
  const text = input.trim();
  if (text === '') return { error: 'empty target: give a URL, host:port or [ipv6]:port' };
  if (text.length > 2048) return { error: 'target too long' };
  for (const ch of text) {
    if (ch.charCodeAt(0) <= 0x20 || ch.charCodeAt(0) === 0x7f) return { error: `target "${text.slice(0, 80)}" contains spaces or control characters` };
  }
  const sep = text.indexOf('://');
  if (sep > 0) return parseUrl(text, sep);
  if (sep === 0) return { error: `no scheme before "://" in "${text}"` };
  const hp = splitHostPort(text);
  if ('error' in hp) return { error: `cannot read target "${text.slice(0, 80)}": ${hp.error}` };
  if (hp.port === null) return { error: `no port in "${text}": write host:port, [ipv6]:port or a URL` };
  return { host: hp.host, port: hp.port, scheme: null, url: null };
}

/** Placeholder port of a name-only target (never connected to). */
const NAME_ONLY_PORT = SCHEME_PORTS.https;

/** A target for the name alone: only name resolution is probed. */
export function nameOnlyTarget(host: string): Target {
  return { host, port: NAME_ONLY_PORT, scheme: null, url: null, nameOnly: true };
}

/**
 * Like parseTarget, and a host written alone (a name, an IPv4 literal, a bracketed IPv6 address,
 * no scheme and no port) is a name-only target: the question is whether the name resolves.
 */
export function parseTargetOrName(input: string): Target | { error: string } {
  const parsed = parseTarget(input);
  if (!('error' in parsed)) return parsed;
  const text = input.trim();
  if (text.includes('://') || text.includes('/')) return parsed;
  const withPort = parseTarget(`${text.startsWith('[') || !text.includes(':') ? text : `[${text}]`}:${NAME_ONLY_PORT}`);
  return 'error' in withPort ? parsed : nameOnlyTarget(withPort.host);
}

/** The target an incident names (its URL, else its host and port), or null when it names none. */
export function targetFromIncident(incident: Incident): Target | null {
  if (incident.url) {
    const t = parseTarget(incident.url);
    // The URL keeps the scheme (TLS, HTTP); the address in the error stays on the incident for the engine.
    if (!('error' in t)) return t;
  }
  if (incident.host && incident.port !== null) {
    const t = parseTarget(hostPort(unbracket(incident.host), incident.port));
    return 'error' in t ? null : t;
  }
  // A name that did not resolve needs no port: the question is the name.
  if (incident.host && (incident.category === 'dns' || incident.also.includes('dns'))) {
    const t = parseTargetOrName(unbracket(incident.host));
    return 'error' in t ? null : t;
  }
  return null;
}

function stripZone(address: string): string {
  const pct = address.indexOf('%');
  return pct >= 0 ? address.slice(0, pct) : address;
}

/** Addresses of this machine's interfaces (zones stripped, lower case). */
export function localAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) out.add(stripZone(info.address).toLowerCase());
  }
  return out;
}

/** Whether a host is this machine: localhost names, loopback, wildcard, this hostname, or an interface address (of `mine`, default: this machine's). */
export function isLocalHost(host: string, mine?: ReadonlySet<string>): boolean {
  const h = stripZone(host).toLowerCase();
  if (isLocalhostName(h) || isWildcardAddress(h) || isLoopbackAddress(h)) return true;
  if (h === hostname().toLowerCase()) return true;
  const mapped = h.startsWith('::ffff:') && isIP(h.slice(7)) === 4 ? h.slice(7) : h;
  // `mine` lets a caller checking several hosts list the interfaces once.
  return isIP(mapped) !== 0 && (mine ?? localAddresses()).has(mapped);
}
