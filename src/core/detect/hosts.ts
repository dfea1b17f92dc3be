/**
 * Host and port helpers: splitting `host:port` in every form seen in the wild
 * (`[::1]:3000`, Node's `::1:3000`, `fe80::1%eth0`) and telling real peers from placeholders and file names.
 */
import { splitHostPort as splitAddress } from '../target/address';

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
// inet_aton's shorthand `127.0.1` (= 127.0.0.1), which resolvers accept and users write.
const IPV4_SHORT = /^\d{1,3}\.\d{1,3}\.\d{1,3}$/;
// Internationalised names are printed in Unicode as often as in punycode (`https://이름/`).
const HOSTNAME = /^[\p{L}\p{N}_][\p{L}\p{N}\p{M}_-]{0,62}(?:\.[\p{L}\p{N}\p{M}_-]{1,63}){0,30}\.?$/u;
const HAS_LETTER = /\p{L}/u;
// An address with some parts masked: `10.xxx.xx.xxx`.
const MASKED_IPV4 = /^(?:\d{1,3}|[xX]{1,4})(?:\.(?:\d{1,3}|[xX]{1,4})){3}$/;
// No top-level domain is one character long: `aa.bbb.ccc.d` imitates an address.
const ONE_LETTER_TLD = /\.[A-Za-z]\.?$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}(?:%[\w.-]{1,20})?$/;
// Written placeholders: xxxx, XXXXXXXXX.com, xxx.xxx.xxx, <FQDN>, ********, domain.net
const PLACEHOLDER = /^(?:[xX*]{2,}(?:\.[A-Za-z*x]{1,10}){0,4}|(?:[\w-]{1,63}\.)?(?:your)?domain\.(?:net|com)|\.{2,}|nil|null|undefined)$/;
// A `name.ext:123` that is a source position, not a peer (events.js:72, _ssl.c:1076, Foo.java:12).
const SOURCE_EXT = /\.(?:js|mjs|cjs|ts|tsx|jsx|py|pyx|java|kt|scala|groovy|c|cc|cpp|h|hpp|go|rs|rb|php|cs|fs|swift|m|ex|exs|erl|lua|pl|sh|json|ya?ml|xml|html|txt|log|class|jar)$/i;

/** A peer named by the text: host null for placeholders; `final` stops the search (Unix sockets). */
export interface Peer {
  host: string | null;
  port: number | null;
  url: string | null;
  final?: boolean;
}

/** The host as written if it can name a peer, else null (placeholders, junk). */
export function cleanHost(raw: string | undefined | null): string | null {
  if (raw == null) return null;
  let host = raw.trim();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === '' || host.includes('<') || host.includes('>') || host.includes('*') || PLACEHOLDER.test(host)) return null;
  if (MASKED_IPV4.test(host) && !IPV4.test(host)) return null;
  if (IPV4.test(host) || IPV4_SHORT.test(host)) return host;
  if (host.includes(':')) return IPV6.test(host) && host.includes('::') || /^[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){2,7}$/.test(host) ? host : null;
  if (!HOSTNAME.test(host) || !HAS_LETTER.test(host) || ONE_LETTER_TLD.test(host)) return null;
  return host;
}

/** True when a generic `name:port` is more likely a source position than a peer. */
export function looksLikeSourceFile(host: string): boolean {
  return SOURCE_EXT.test(host);
}

/** A port number if valid. */
export function cleanPort(raw: string | undefined | null): number | null {
  if (raw == null || raw === '') return null;
  const port = Number(raw);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : null;
}

/** Splits `host:port`, `[v6]:port`, Node's `::1:3000`; trailing punctuation is dropped. */
export function splitHostPort(token: string): { host: string | null; port: number | null } {
  const parts = splitAddress(token.replace(/[\],.;)'"}>]+$/, ''));
  if (parts.error) return { host: null, port: null };
  return { host: cleanHost(parts.host), port: parts.port === null || !/^\d{1,5}$/.test(parts.port) ? null : cleanPort(parts.port) };
}

/** Every regular expression of this module, for the static ReDoS check. */
export function hostRegExps(): RegExp[] {
  return [IPV4, IPV4_SHORT, MASKED_IPV4, HOSTNAME, HAS_LETTER, ONE_LETTER_TLD, IPV6, PLACEHOLDER, SOURCE_EXT];
}
