/**
 * Finds the peer (host, port, URL) and the errno code/syscall of a block of lines.
 * Extractors are tried in tiers, strongest first; within a tier the leftmost match wins.
 * Trigger lines are searched first, then the context lines nearest to the trigger.
 */
import { SCHEME_PORTS } from '../target/schemes';
import { cleanHost, cleanPort, looksLikeSourceFile, splitHostPort } from './hosts';
import type { Peer } from './hosts';

type Extractor = { re: RegExp; peer: (m: RegExpExecArray) => Peer | null };

const HOSTPORT = '(\\[[0-9A-Fa-f:.%\\w]{2,60}\\]|[A-Za-z0-9_*<>-][A-Za-z0-9_*<>.-]{0,253}):(\\d{1,5})';
const NAME = '([A-Za-z0-9_*<>-][A-Za-z0-9_*<>.-]{0,253})';

function hp(hostIndex: number, portIndex: number): (m: RegExpExecArray) => Peer {
  return (m) => ({ host: cleanHost(m[hostIndex]), port: cleanPort(m[portIndex]), url: null });
}
function hostOnly(index: number): (m: RegExpExecArray) => Peer {
  return (m) => ({ host: cleanHost(m[index]?.replace(/\.$/, '')), port: null, url: null });
}
function token(index: number): (m: RegExpExecArray) => Peer {
  return (m) => ({ ...splitHostPort(m[index]), url: null });
}

const UNIX: Extractor[] = [
  { re: /\bunix:|\bdial unix\b|\bUnix domain socket\b|\bon socket "\/|\.sock\b/g, peer: () => ({ host: null, port: null, url: null, final: true }) },
];

const UPSTREAM: Extractor[] = [
  { re: /\bupstream: "([^"\s]{1,500})"/g, peer: (m) => (m[1].includes('://') ? parseUrl(m[1]) : { ...splitHostPort(m[1]), url: null }) },
];

// Java's InetSocketAddress prints `name/1.2.3.4:port` (or `/1.2.3.4:port` without a name): the name is the peer.
function javaAddress(m: RegExpExecArray): Peer {
  return { host: cleanHost(m[1] === '' ? m[2] : m[1]), port: cleanPort(m[3] ?? m[4]), url: null };
}

const STRONG: Extractor[] = [
  { re: /\bconnect to (?:host )?([^\s(]{0,255}) ?port (\d{1,5})\b/gi, peer: hp(1, 2) },
  { re: new RegExp(`\\b(?:Connect|[Cc]annot connect) to (?:host )?${HOSTPORT}`, 'g'), peer: hp(1, 2) },
  // Apache httpd proxy logs: the backend, never the `[client …]` that made the request.
  { re: new RegExp(`\\b(?:attempt to connect to|remote server) ${HOSTPORT}`, 'g'), peer: hp(1, 2) },
  { re: new RegExp(`\\bremote server ${NAME}[,\\s]`, 'g'), peer: hostOnly(1) },
  // curl -v: `* Connected to localhost (127.0.0.1) port 8892`; wget: `Connecting to host|ip|:443...`, busybox wget.
  { re: /\bConnected to ([\w.-]{1,255}) \([^()\s]{1,60}\) port (\d{1,5})/g, peer: hp(1, 2) },
  { re: /\bConnecting to ([^\s|]{1,255})\|[^\s|]{1,60}\|:(\d{1,5})/g, peer: hp(1, 2) },
  { re: /\bcan't connect to remote host \(([^()\s]{1,255})\)/g, peer: hostOnly(1) },
  // git: `github.com[0: 140.82.113.4]: errno=Connection timed out`.
  { re: /(?:^|\s)([\w.-]{1,255})\[\d{1,3}: [^\]\s]{1,60}\]: errno=/g, peer: hostOnly(1) },
  // Ruby: `Failed to open TCP connection to name:port (… connect(2) for "10.0.0.1" port …)`: the name first.
  { re: new RegExp(`\\bopen TCP connection to ${HOSTPORT}`, 'g'), peer: hp(1, 2) },
  // Ruby: `connect(2) for "localhost" port 1337`, `connect(2) for 127.0.0.1:6379`.
  { re: /\bconnect\(2\) for "([^"\s]{1,255})" port (\d{1,5})/g, peer: hp(1, 2) },
  { re: new RegExp(`\\bconnect\\(2\\) for ${HOSTPORT}`, 'g'), peer: hp(1, 2) },
  { re: /(?:^|[\s=:([])([\w.-]{0,255})\/(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5})|\(port (\d{1,5})\))/g, peer: javaAddress },
  // undici lists every address it tried: the first one is the peer.
  { re: /\battempted addresses: ([^\s,()]{1,300})/g, peer: token(1) },
  { re: /\bconnecting to (?:HTTP |SOCKS\d? )?proxy ([^\s:]{1,255}(?::\d{1,5})?)/gi, peer: token(1) },
  { re: /\blink remote: \[AF_INET6?\](\S{1,300})/g, peer: token(1) },
  { re: /\bconnection to server at (?:"([^"]{1,255})"|'([^']{1,255})')(?: \([^)]{0,100}\))?, port (\d{1,5})/g, peer: (m) => ({ host: cleanHost(m[1] ?? m[2]), port: cleanPort(m[3]), url: null }) },
  { re: /\bconnect E[A-Z]{4,15} (\S{1,300})/g, peer: token(1) },
  { re: /\bgetaddrinfo E[A-Z_]{4,15} (\S{1,300})/g, peer: token(1) },
  { re: new RegExp(`\\bfailed to connect to server \\[${HOSTPORT}\\]`, 'g'), peer: hp(1, 2) },
  { re: /\bThe connection to the server (\S{1,300}) was refused/g, peer: token(1) },
  { re: /\bConnection refused: ([\w.-]{1,255})\/[\d.:a-fA-F]{1,45}:(\d{1,5})/g, peer: hp(1, 2) },
  { re: /\bConnection to node -?\d{1,10} \(([\w.-]{1,255})\/[\d.:a-fA-F]{1,45}:(\d{1,5})\)/g, peer: hp(1, 2) },
  { re: new RegExp(`\\bconnecting to ${HOSTPORT}`, 'g'), peer: hp(1, 2) },
  { re: /\bCan't connect to (?:local )?(?:MySQL|MariaDB) server on '([^':]{1,255})(?::(\d{1,5}))?'/g, peer: hp(1, 2) },
  { re: /\bConnection (?:reset|closed) by (\S{1,255}) port (\w{1,5})/g, peer: hp(1, 2) },
  { re: /\bCould not connect to Redis at (\S{1,300}):/g, peer: token(1) },
];

const URLS: Extractor[] = [
  {
    re: /\b(?:https?|wss?|ftp|postgres(?:ql)?|mysql|rediss?|mongodb(?:\+srv)?|amqps?|ssh|sftp|git|grpc):\/\/[^\s"'<>()`\\]{1,2000}/g,
    peer: (m) => parseUrl(m[0]),
  },
];

const WEAK: Extractor[] = [
  { re: /->([^\s>]{1,255}):(\d{1,5})\b/g, peer: (m) => ({ ...splitHostPort(`${m[1]}:${m[2]}`), url: null }) },
  // Go brackets IPv6 literals; the host may be empty (`dial tcp :22:`).
  { re: /\bdial (?:tcp|udp)[46]? (\[[^\]\s]{1,60}\]|[^\s>:[\]]{0,300}):(\d{1,5}):/g, peer: (m) => ({ ...splitHostPort(`${m[1]}:${m[2]}`), url: null }) },
  { re: new RegExp(`\\bdialing ${HOSTPORT}`, 'g'), peer: hp(1, 2) },
  { re: /\blookup ([\w.-]{1,255})(?: on [^\s]{1,100})?:/g, peer: hostOnly(1) },
  { re: /\bCould not resolve (?:host|proxy): ([\w.-]{1,255})/g, peer: hostOnly(1) },
  { re: /\bCould not resolve hostname ([\w.-]{1,255}):/g, peer: hostOnly(1) },
  { re: /\bTemporary failure resolving '([^']{1,255})'/g, peer: hostOnly(1) },
  { re: /\bUnable to resolve host "([^"]{1,255})"/g, peer: hostOnly(1) },
  { re: /\bUnknownHostException: (?!Unable )([\w.-]{1,255})/g, peer: hostOnly(1) },
  { re: /\bConnection to ([\w.-]{1,255}) timed out/g, peer: hostOnly(1) },
  { re: /\bhost=u?'([^']{1,255})', port=(\d{1,5})/g, peer: hp(1, 2) },
  { re: /\(u?'([\w.:-]{1,255})', (\d{1,5})\)/g, peer: hp(1, 2) },
  { re: /(?:^|[^\w.:-])(?:Host|IP): ?([\w.:-]{1,255}) is not in the cert/g, peer: hostOnly(1) },
  // Chrome's page, pasted without a line break: `This site can’t be reachedlocalhost refused to connect.`
  { re: /(?:^|[^\w.:-]|be reached)([\w.:-]{1,255}) refused to connect\b/g, peer: hostOnly(1) },
  { re: /\brunning on host "([^"]{1,255})"/g, peer: hostOnly(1) },
  { re: /^\s*(?:address|hostname|host): '([^']{1,255})'/g, peer: hostOnly(1) },
  { re: new RegExp(`\\bPinging:? ${NAME}`, 'g'), peer: hostOnly(1) },
  // `$ ssh user@host` as the last word of a prompt line; the user part is dropped.
  { re: /(?:^|[\s$#>] ?)ssh ([\w.@:-]{1,320})\s*$/g, peer: (m) => ({ host: cleanHost(m[1].slice(m[1].lastIndexOf('@') + 1)), port: null, url: null }) },
  { re: /\bssh [\w.-]{1,64}@([\w.:-]{1,255})/g, peer: hostOnly(1) },
  { re: /\s-connect ([^\s:]{1,255}):(\d{1,5})\b/g, peer: hp(1, 2) },
  { re: new RegExp(`\\bfailed to respond ${HOSTPORT}`, 'g'), peer: hp(1, 2) },
  { re: new RegExp(`\\b(?:read|write|connect) error: ${HOSTPORT}`, 'g'), peer: hp(1, 2) },
];

const GENERIC: Extractor = {
  // A `host:port:` is fine when the colon ends a message part (`localhost:27017: [Errno 111]`).
  re: new RegExp(`(?:^|[\\s"'(\\[=@,{])${HOSTPORT}(?![\\w.]|:[^\\s])`, 'g'),
  peer: (m) => {
    const host = m[1].startsWith('[') ? m[1] : m[1];
    if (!host.startsWith('[') && (looksLikeSourceFile(host) || !/[A-Za-z]/.test(host) && !/^\d{1,3}(?:\.\d{1,3}){3}$/.test(host))) return null;
    return { host: cleanHost(host), port: cleanPort(m[2]), url: null };
  },
};

const PORT_ONLY = /\bport[ :=] ?(\d{1,5})\b/gi;
const DOC_HOSTS = /(?:^|\.)(?:curl\.se|curl\.haxx\.se|nodejs\.org|readthedocs\.(?:io|org)|developer\.mozilla\.org|learn\.microsoft\.com|docs\.microsoft\.com|stackoverflow\.com)$/i;

/** Parses a URL found in text: host null for placeholders; scheme port when none is written. */
export function parseUrl(raw: string): Peer | null {
  const url = raw.replace(/[.,;:'")\]}>]+$/, '');
  const sep = url.indexOf('://');
  if (sep === -1) return null;
  const scheme = url.slice(0, sep).toLowerCase().replace(/\+srv$/, '');
  const rest = url.slice(sep + 3);
  if (rest.startsWith('unix:') || rest.startsWith('%2F') || rest.startsWith('/')) return { host: null, port: null, url: null, final: true };
  let authority = rest.split(/[/?#]/, 1)[0];
  // `https://api.lea...`: a URL cut short inside its host names no peer.
  if (authority === rest && /(?:\.{3}|…)$/.test(raw)) return null;
  authority = authority.slice(authority.lastIndexOf('@') + 1);
  const { host, port } = splitHostPort(authority);
  if (host !== null && DOC_HOSTS.test(host)) return null;
  if (host === null) return port === null ? null : { host: null, port, url: null };
  return { host, port: port ?? SCHEME_PORTS[scheme] ?? null, url };
}

function leftmost(line: string, extractors: readonly Extractor[]): Peer | null {
  let best: Peer | null = null;
  let bestIndex = Infinity;
  for (const { re, peer } of extractors) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(line)) !== null && m.index < bestIndex) {
      const found = peer(m);
      if (found !== null && (found.host !== null || found.port !== null || found.final === true)) {
        best = found;
        bestIndex = m.index;
        break;
      }
      if (re.lastIndex === m.index) re.lastIndex++;
    }
  }
  return best;
}

const TIERS_TRIGGER: ReadonlyArray<readonly Extractor[]> = [UNIX, UPSTREAM, STRONG, URLS, WEAK, [GENERIC]];
const TIERS_CONTEXT: ReadonlyArray<readonly Extractor[]> = [UNIX, UPSTREAM, STRONG, URLS, WEAK];

function peerOfLine(line: string, tiers: ReadonlyArray<readonly Extractor[]>): Peer | null {
  for (const tier of tiers) {
    const found = leftmost(line, tier);
    if (found !== null) return found;
  }
  return null;
}

/** The peer of a block: trigger lines first (in order), then context lines nearest first. */
export function extractPeer(triggerLines: readonly string[], contextLines: readonly string[]): Peer {
  let peer: Peer | null = null;
  for (const line of triggerLines) {
    peer = peerOfLine(line, TIERS_TRIGGER);
    if (peer !== null) break;
  }
  if (peer === null) {
    for (const line of contextLines) {
      peer = peerOfLine(line, TIERS_CONTEXT);
      if (peer !== null) break;
    }
  }
  if (peer === null || peer.final === true) return { host: null, port: null, url: null };
  if (peer.host !== null && peer.port === null) {
    const port = portForHost(peer.host, [...triggerLines, ...contextLines]);
    return { ...peer, port, url: peer.url };
  }
  return peer;
}

/** A port for a host found without one: a URL or `host:port` naming the same host, else `port N`. */
function portForHost(host: string, lines: readonly string[]): number | null {
  for (const line of lines) {
    if (!line.includes(host)) continue;
    URLS[0].re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = URLS[0].re.exec(line)) !== null) {
      const found = parseUrl(m[0]);
      if (found !== null && found.host === host && found.port !== null) return found.port;
    }
    let from = line.indexOf(`${host}:`);
    while (from !== -1) {
      const digits = /^\d{1,5}\b/.exec(line.slice(from + host.length + 1, from + host.length + 7));
      if (digits !== null) return cleanPort(digits[0]);
      from = line.indexOf(`${host}:`, from + 1);
    }
  }
  for (const line of lines) {
    PORT_ONLY.lastIndex = 0;
    const m = PORT_ONLY.exec(line);
    if (m !== null) return cleanPort(m[1]);
  }
  return null;
}

const KNOWN_CODE = /\b(E(?:CONNREFUSED|CONNRESET|CONNABORTED|TIMEDOUT|SOCKETTIMEDOUT|NOTFOUND|AI_AGAIN|AI_NONAME|HOSTUNREACH|NETUNREACH|PIPE|PROTO)|UND_ERR_[A-Z_]{2,30}|(?:CERT|UNABLE|SELF|DEPTH|ERR_TLS|ERR_SSL)_[A-Z_]{2,40}|WSAE[A-Z]{4,20})\b/;
const SYSCALL = /\bsyscall: '(\w{1,30})'|\berroredSysCall: '(\w{1,30})'|\b(connect|read|write|getaddrinfo) E[A-Z]{4,15}\b/;

/** errno-style code and syscall written in the block, for rules that do not fix them. */
export function extractCodeAndSyscall(lines: readonly string[]): { code: string | null; syscall: string | null } {
  let code: string | null = null;
  let syscall: string | null = null;
  for (const line of lines) {
    if (code === null) code = KNOWN_CODE.exec(line)?.[1] ?? null;
    if (syscall === null) {
      const m = SYSCALL.exec(line);
      if (m !== null) syscall = m[1] ?? m[2] ?? m[3] ?? null;
    }
    if (code !== null && syscall !== null) break;
  }
  return { code, syscall };
}

/** Every regular expression the extraction uses, for the static ReDoS check. */
export function extractionRegExps(): RegExp[] {
  const extractors = [...UNIX, ...UPSTREAM, ...STRONG, ...URLS, ...WEAK, GENERIC];
  return [...extractors.map((e) => e.re), PORT_ONLY, DOC_HOSTS, KNOWN_CODE, SYSCALL];
}
