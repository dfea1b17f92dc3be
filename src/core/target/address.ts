/**
 * The one place that writes and splits `host:port` and decides what is loopback.
 * Pure string work with no Node imports, so the webview, the host and the core agree.
 */

/** A host as it goes before `:port` or into a URL: IPv6 literals get brackets (once). */
export function bracketHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** "host:port", "[::1]:443", or the bare (bracketed) host when there is no port. */
export function hostPort(host: string, port: number | null | undefined): string {
  const h = bracketHost(host);
  return port === null || port === undefined ? h : `${h}:${port}`;
}

/** "host:port" for display when either may be unknown: "?" stands in, IPv6 literals get brackets. */
export function shownHostPort(host: string | null, port: number | null): string {
  return `${host === null ? '?' : bracketHost(host)}:${port ?? '?'}`;
}

/** How a diagnosis names its target: "host:port", or the host alone when no port was given (a name-only target). */
export function targetShown(target: { host: string; port: number; nameOnly?: true }): string {
  return target.nameOnly === true ? bracketHost(target.host) : hostPort(target.host, target.port);
}

/** A host for a URL authority: brackets, and the IPv6 zone's `%` escaped as RFC 6874 asks. */
export function urlHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare.includes(':') ? `[${bare.replace('%', '%25')}]` : bare;
}

/** The host without IPv6 brackets. */
export function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** The syntactic parts of `host:port`, `[v6]:port`, `[v6]`, `v6` or Node's `::1:3000`; no validation. */
export interface AddressParts {
  host: string;
  /** The digits after the last colon, or null when there is no port. */
  port: string | null;
  /** Set when the text cannot be split (an unclosed `[`, text after `]`). */
  error?: string;
}

/** Splits host and port the way every caller must: brackets first, Node's `::1:3000` form, else the last colon. */
export function splitHostPort(text: string): AddressParts {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return { host: text.slice(1), port: null, error: `missing "]" in "${text}"` };
    const host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest === '') return { host, port: null };
    if (!rest.startsWith(':')) return { host, port: null, error: `unexpected "${rest}" after "]"` };
    return { host, port: rest.slice(1) };
  }
  const last = text.lastIndexOf(':');
  if (last < 0) return { host: text, port: null };
  const tail = text.slice(last + 1);
  const digits = tail.length > 0 && tail.length <= 5 && /^\d+$/.test(tail);
  if (text.indexOf(':') === last) return { host: text.slice(0, last), port: tail };
  // Several colons: an IPv6 address. Node prints `::1:3000` for [::1]:3000, so a decimal
  // last group after a prefix that is itself an address (`::1`, `fe80::1`) is the port.
  const head = text.slice(0, last);
  const fullAddress = head.split(':').length === 8;
  if (digits && (head.includes('::') || fullAddress) && !head.endsWith(':')) return { host: head, port: tail };
  return { host: text, port: null };
}

const V4_MAPPED = '::ffff:';

function dottedQuad(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (p.length === 0 || p.length > 3 || !/^\d+$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

/** Whether an IP address literal is loopback: 127.0.0.0/8, ::1, ::ffff:127.x (zone and brackets ignored). */
export function isLoopbackAddress(address: string): boolean {
  let a = unbracket(address).toLowerCase();
  const pct = a.indexOf('%');
  if (pct >= 0) a = a.slice(0, pct);
  if (a.startsWith(V4_MAPPED)) a = a.slice(V4_MAPPED.length);
  const quad = dottedQuad(a);
  if (quad) return quad[0] === 127;
  return a === '::1' || a === '0:0:0:0:0:0:0:1';
}

/** RFC 6761 loopback names, which DNS must not be asked about: localhost and *.localhost. */
export function isLocalhostName(host: string): boolean {
  const h = unbracket(host).toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === 'localhost.localdomain';
}

/** Loopback by name or address. */
export function isLoopbackHost(host: string): boolean {
  return isLocalhostName(host) || isLoopbackAddress(host);
}

/** Wildcard (bind-any) addresses: a listener's, never a peer's. */
export function isWildcardAddress(host: string): boolean {
  const h = unbracket(host);
  return h === '0.0.0.0' || h === '::' || h === '0:0:0:0:0:0:0:0';
}
