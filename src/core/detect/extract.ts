/**
 * Finds the peer (host, port, URL) and the errno code/syscall of a block of lines.
 * Extractors are tried in tiers, strongest first; within a tier the leftmost match wins.
 * Trigger lines are searched first, then the context lines nearest to the trigger (the block:
 * stack frames, causes, a tool's other lines); an informational log line counts only for a
 * statement about a connection, never for a bare URL or address. Help links, listeners and
 * wildcard addresses are never the peer.
 */
import { isIP } from 'node:net';
import { hostPort, isWildcardAddress } from '../target/address';
import { SCHEME_PORTS, defaultPort, programScheme } from '../target/schemes';
import type { Incident } from '../types';
import { cleanHost, cleanPort, looksLikeSourceFile, splitHostPort } from './hosts';
import type { Peer } from './hosts';

type Extractor = { re: RegExp; peer: (m: RegExpExecArray) => Peer | null };

const HOSTPORT = '(\\[[0-9A-Fa-f:.%\\w]{2,60}\\]|[A-Za-z0-9_*<>-][A-Za-z0-9_*<>.-]{0,253}):(\\d{1,5})';
const NAME = '([A-Za-z0-9_*<>-][A-Za-z0-9_*<>.-]{0,253})';

function hp(hostIndex: number, portIndex: number): (m: RegExpExecArray) => Peer {
  return (m) => {
    const port = cleanPort(m[portIndex]);
    return { host: cleanHost(m[hostIndex]), port, url: null, ...(port === null && m[portIndex] ? { portHidden: true } : {}) };
  };
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
// Android's libcore writes `failed to connect to /10.0.2.2 (port 8080)`; Netty's channel `[id: …, L:/local - R:peer]`
// names this machine's own address after `L:`.
function javaAddress(m: RegExpExecArray): Peer | null {
  if (m[0].startsWith(':') && m.input.slice(Math.max(0, m.index - 1), m.index) === 'L') return null;
  return { host: cleanHost(m[1] === '' ? m[2] : m[1]), port: cleanPort(m[3] ?? m[4]), url: null };
}

/** urllib3's `HTTPSConnectionPool(host='h', port=N)`: the origin it names, as a URL. */
function poolOrigin(m: RegExpExecArray): Peer {
  const peer = hp(2, 3)(m);
  const scheme = (m[1] ?? 'HTTP').toLowerCase();
  return { ...peer, scheme, url: peer.host !== null && peer.port !== null ? `${scheme}://${hostPort(peer.host, peer.port)}/` : null };
}

const STRONG: Extractor[] = [
  // Hadoop NetUtils.wrapException: `Call From LOCAL to DEST:PORT failed on …`, `destination host is: "DEST":PORT`;
  // LOCAL (`host/10.0.0.1`) is this machine, never the peer.
  { re: new RegExp(`\\bCall (?:From \\S{1,300} )?to ${HOSTPORT}(?=[\\s;,]|$)`, 'g'), peer: hp(1, 2) },
  { re: /\bdestination host is: "([^"\s]{1,255})":(\d{1,5})/g, peer: hp(1, 2) },
  // ZooKeeper ClientCnxn.SendThread renames itself `…-SendThread(HOST:PORT)` for the server it dials
  // (3.4 logs `for server null` when the connect itself fails).
  { re: new RegExp(`\\bSendThread\\(${HOSTPORT}\\)`, 'g'), peer: hp(1, 2) },
  // Rust reqwest's Debug form: `url: Url { scheme: "http", host: Some(Domain("localhost")), port: Some(8080), … }`.
  { re: /\bhost: Some\((?:Domain\("([^"\s]{1,255})"\)|Ipv[46]\(([^()\s]{1,60})\))\), port: (?:Some\((\d{1,5})\)|None)/g, peer: (m) => ({ host: cleanHost(m[1] ?? m[2]), port: cleanPort(m[3]), url: null }) },
  // Docker's client: `Cannot connect to the Docker daemon at tcp://HOST:PORT.` (unix:// sockets have no peer).
  { re: new RegExp(`\\bDocker daemon at tcp://${HOSTPORT}`, 'g'), peer: hp(1, 2) },
  // Apache mod_proxy AH01114/AH00896: `failed to make connection to backend: NAME` (never the `[client …]`).
  { re: new RegExp(`\\bfailed to make connection to backend: ${NAME}`, 'g'), peer: hostOnly(1) },
  // OTP httpc: `{:failed_connect, [{:to_address, {~c"HOST", PORT}}, …]}` (Erlang: `{to_address,{"HOST",PORT}}`).
  { re: /\bto_address, ?\{(?:~c)?["']([^"'\s]{1,255})["'], ?(\d{1,5})\}/g, peer: hp(1, 2) },
  // BIND 9 dig/host/nslookup: the name looked up, or the resolver that did not answer (`10.0.0.2#53`).
  { re: /\*\* server can't find ([\w.-]{1,255}):/g, peer: hostOnly(1) },
  { re: /\bHost ([\w.-]{1,255}) not found: \d/g, peer: hostOnly(1) },
  { re: /\bcommunications error to ([^\s#]{1,255})#(\d{1,5})/g, peer: hp(1, 2) },
  // OpenSSH packet.c sshpkt_vfatal: `Connection to HOST port N timed out` (banner exchange, ConnectTimeout).
  { re: /\bConnection to (\S{1,255}) port (\d{1,5})(?: timed out\b|: )/g, peer: hp(1, 2) },
  // OpenSSH clientloop.c: `Connection to HOST closed by remote host.`; NFS: `server HOST not responding`.
  { re: /\bConnection to ([\w.:-]{1,255}) closed\b/g, peer: hostOnly(1) },
  { re: /\bserver ([\w.:-]{1,255}) not responding\b/g, peer: hostOnly(1) },
  // MySQL client (CR_UNKNOWN_HOST): `Unknown MySQL server host 'NAME' (-2)`.
  { re: /\bserver host '([^'\s]{1,255})'/g, peer: (m) => ({ ...hostOnly(1)(m), scheme: 'mysql' }) },
  { re: /\bgetaddrinfo for ([\w.-]{1,255}) failed\b/g, peer: hostOnly(1) },
  // OpenBSD netcat 1.219: `nc: getaddrinfo for host "HOST" port PORT: …`.
  { re: /\bgetaddrinfo for host "([^"\s]{1,255})" port (\d{1,5})/g, peer: hp(1, 2) },
  // libpq fe-connect.c: `could not translate host name "HOST" to address: …`.
  { re: /\bcould not translate host name "([^"\s]{1,255})" to address/g, peer: (m) => ({ ...hostOnly(1)(m), scheme: 'postgresql' }) },
  // JDK 17 sun.security.util.HostnameChecker: the name the client asked for, not the certificate's.
  { re: /\bNo subject alternative (?:DNS name|names) matching (?:IP address )?([\w.:%-]{1,255}) found/g, peer: hostOnly(1) },
  { re: /\bNo name matching ([\w.-]{1,255}) found/g, peer: hostOnly(1) },
  { re: /\bconnectx? to (?:host )?([^\s(]{0,255}) ?port (\d{1,5})\b/gi, peer: hp(1, 2) },
  // OpenSSH sshconnect.c: `debug1: Connecting to NAME [ADDR] port N.`: the name the user asked for.
  { re: /\bConnecting to ([\w.-]{1,255}) \[[^\]\s]{1,60}\] port (\d{1,5})/g, peer: hp(1, 2) },
  // inetutils/netkit telnet: `telnet: connect to address 10.0.0.1: Connection refused`.
  { re: /\bconnect to address ([\w.:%-]{1,255}): /g, peer: hostOnly(1) },
  // curl before 7.50 without a port: `Failed to connect to 2607:f8f8::10: Network is unreachable`.
  { re: /\b[Ff]ailed to connect to ([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}): /g, peer: hostOnly(1) },
  { re: new RegExp(`\\b(?:Connect|[Cc]annot connect|Can't connect) to (?:host )?${HOSTPORT}`, 'g'), peer: hp(1, 2) },
  { re: /\bconnect to (?:the )?remote host ([\w.:-]{1,255}) on port (\d{1,5})\b/g, peer: hp(1, 2) },
  // Apache httpd proxy logs: the backend, never the `[client …]` that made the request.
  { re: new RegExp(`\\b(?:attempt to connect to|remote server) ${HOSTPORT}`, 'g'), peer: hp(1, 2) },
  { re: new RegExp(`\\bremote server ${NAME}[,\\s]`, 'g'), peer: hostOnly(1) },
  // curl -v: `* Connected to localhost (127.0.0.1) port 8892`; wget: `Connecting to host|ip|:443...`, busybox wget.
  { re: /\bConnected to ([\w.-]{1,255}) \([^()\s]{1,60}\) port (\d{1,5})/g, peer: hp(1, 2) },
  { re: /\bConnecting to ([^\s|()]{1,255})(?: \([^\s()|]{1,255}\))?\|[^\s|]{1,60}\|:(\d{1,5})/g, peer: hp(1, 2) },
  // wget: `Resolving NAME (NAME)... failed: …`.
  { re: /\bResolving ([\w.-]{1,255}) \([\w.-]{1,255}\)\.\.\./g, peer: hostOnly(1) },
  { re: /\bcan't connect to remote host \(([^()\s]{1,255})\)/g, peer: hostOnly(1) },
  // git: `github.com[0: 140.82.113.4]: errno=Connection timed out`.
  { re: /(?:^|\s)([\w.-]{1,255})\[\d{1,3}: [^\]\s]{1,60}\]: errno=/g, peer: hostOnly(1) },
  // Ruby: `Failed to open TCP connection to name:port (… connect(2) for "10.0.0.1" port …)`: the name first.
  { re: new RegExp(`\\bopen TCP connection to ${HOSTPORT}`, 'g'), peer: hp(1, 2) },
  // Ruby: `connect(2) for "localhost" port 1337`, `connect(2) for 127.0.0.1:6379`.
  { re: /\bconnect\(2\) for "([^"\s]{1,255})" port (\d{1,5})/g, peer: hp(1, 2) },
  { re: new RegExp(`\\bconnect\\(2\\) for ${HOSTPORT}`, 'g'), peer: hp(1, 2) },
  { re: /(?:^|[\s=:([])([\w.-]{0,255})\/(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5})| ?\(port (\d{1,5})\))/g, peer: javaAddress },
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
  // Not wget's `Connecting to ADDR:PORT... connected.`: the address it dialled; its record's URL names the target.
  { re: new RegExp(`\\b[Cc]onnecting to ${HOSTPORT}(?!\\d|\\.\\.\\.)`, 'g'), peer: hp(1, 2) },
  // gRPC core names resolved addresses `ipv4:10.0.0.1:443` / `ipv6:[::1]:443` (`Error received from peer ipv4:…`).
  { re: /\bipv4:(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})\b/g, peer: hp(1, 2) },
  { re: /\bipv6:\[([0-9A-Fa-f:.%]{2,60})\]:(\d{1,5})\b/g, peer: hp(1, 2) },
  // pgpool-II: `connection to host:"NAME:5432" failed`.
  { re: /\bconnection to host:"([^"\s:]{1,255}):(\d{1,5})"/g, peer: hp(1, 2) },
  // Squid's ERR_CONNECT_FAIL page: `Connection to %I failed.` (German `Verbindung zu %I fehlgeschlagen`).
  { re: /\b(?:Connection to|Verbindung zu) ([\w.:-]{1,255}) [Ff](?:ailed|ehlgeschlagen)\b/g, peer: hostOnly(1) },
  // BIND dig prints a server as `ADDR#PORT`: `communications error to 127.0.0.53#53`, `Connection to ADDR#53(ADDR) for NAME failed`.
  { re: /\b(?:communications error|[Cc]onnection) to ([0-9A-Fa-f:.]{2,45})#(\d{1,5})/g, peer: hp(1, 2) },
  // Java RMI: `ConnectIOException: Exception creating connection to: HOST;`.
  { re: /\bcreating connection to: ([\w.:-]{1,255})/g, peer: hostOnly(1) },
  // Dart's SocketException: `address = HOST, port = N` where N is the LOCAL ephemeral port; `Failed host lookup: 'HOST'`.
  { re: /\baddress = ([\w.:%-]{1,255}), port = \d{1,5}/g, peer: (m) => ({ host: cleanHost(m[1]), port: null, url: null, portHidden: true }) },
  { re: /\bFailed host lookup: '([^'\s]{1,255})'/g, peer: hostOnly(1) },
  // Node's dns.resolveSrv: `querySrv ENOTFOUND _mongodb._tcp.cluster0.example.net`.
  { re: /\bquery[A-Z][a-z]{0,4} E[A-Z]{4,15} ([\w.-]{1,255})/g, peer: hostOnly(1) },
  // netdata python.d: `connecting socket to "127.0.0.1", port 3128`.
  { re: /\bsocket to "([^"\s]{1,255})", port (\d{1,5})/g, peer: hp(1, 2) },
  // MariaDB 10.11 writes `Can't connect to server on 'HOST' (115)`, older clients name MySQL or MariaDB.
  { re: /\bCan't connect to (?:local )?(?:(?:MySQL|MariaDB) )?server on '([^':]{1,255})(?::(\d{1,5}))?'/g, peer: (m) => ({ ...hp(1, 2)(m), scheme: 'mysql' }) },
  { re: /\bConnection (?:reset|closed) by (\S{1,255}) port (\w{1,5})/g, peer: hp(1, 2) },
  { re: /\bCould not connect to Redis at (\S{1,300}):/g, peer: (m) => ({ ...token(1)(m), scheme: 'redis' }) },
];

const URLS: Extractor[] = [
  {
    // Socket URLs too: PHP's `tcp://host:80`, `nats://`, `pulsar://`, `rsync://`, nREPL's `nrepl://`, MQTT, LDAP.
    re: /\b(?:https?|wss?|ftp|postgres(?:ql)?|mysql|rediss?|mongodb(?:\+srv)?|amqps?|ssh|sftp|git|grpc|tcp|udp|tls|ssl|nats|pulsar(?:\+ssl)?|rsync|nrepl|mqtts?|ldaps?|telnet):\/\/[^\s"'<>()`\\]{1,2000}/g,
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
  // nginx ngx_resolver: `NAME could not be resolved (3: Host not found)`.
  { re: /(?:^|\s)([\w-]{1,63}(?:\.[\w-]{1,63}){0,8}) could not be resolved \(/g, peer: hostOnly(1) },
  // Dart SocketException: `address = HOST, port = N`; the port is the local one when the connect fails
  // asynchronously (dart-lang/sdk socket_patch.dart reportError), so only the host is taken.
  { re: /, address = ([\w.:%-]{1,255})(?:, port = \d{1,5})?/g, peer: hostOnly(1) },
  { re: /\bFailed host lookup: '([^'\s]{1,255})'/g, peer: hostOnly(1) },
  { re: /\breach (?:the )?(?:host |server |node |peer |broker |remote host |endpoint )?(?:at )?([\w-]{1,63}(?:\.[\w-]{1,63}){1,10})(?![\w.:-])/g, peer: hostOnly(1) },
  { re: /\bresolv(?:e|ing) (?:host(?:name)? )?'([\w.-]{1,255})'/g, peer: hostOnly(1) },
  // dig's QUESTION SECTION: `;db.internal.\t\tIN\tA`.
  { re: /^;([\w-]{1,63}(?:\.[\w-]{1,63}){1,8})\.?\s+IN\s+[A-Z]{1,10}\s*$/g, peer: hostOnly(1) },
  { re: /\bUnknownHostException: (?!Unable )([\w.-]{1,255})/g, peer: hostOnly(1) },
  { re: /\bConnection to ([\w.-]{1,255}) timed out/g, peer: hostOnly(1) },
  // urllib3 (python requests) names the scheme in the pool's class: HTTPSConnectionPool(host='h', port=443),
  // so the target is that origin (the path is not in the text: the probes ask for /).
  { re: /\b(HTTPS?)ConnectionPool\(host=u?'([^']{1,255})', port=(\d{1,5})/g, peer: poolOrigin },
  { re: /\bhost=u?'([^']{1,255})', port=(\d{1,5})/g, peer: hp(1, 2) },
  // A Python address tuple; IPv6 ones carry flowinfo and scope id: `('::1', 8000, 0, 0)`.
  { re: /\(u?'([\w.:%-]{1,255})', (\d{1,5})(?:, \d{1,10}, \d{1,10})?\)/g, peer: hp(1, 2) },
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
  // shadowsocks-rust and other tunnels: `tcp tunnel LOCAL -> PEER connect failed`.
  { re: new RegExp(`\\s-> ${HOSTPORT}\\b`, 'g'), peer: hp(1, 2) },
  // R's curl package: `Timeout was reached: [api.example.com] Connection timeout after 10007 ms`.
  { re: /\bTimeout was reached:? \[([\w.:-]{1,255})\]/g, peer: hostOnly(1) },
  // Ansible: `fatal: [HOST]: UNREACHABLE! => {…}`.
  { re: /\bfatal: \[([\w.:-]{1,255})\]: UNREACHABLE!/g, peer: hostOnly(1) },
  // BIND dig's header `; <<>> DiG 9.18 <<>> name @server`: the server it asked.
  { re: /<<>> DiG \S{1,40} <<>> [^@\n]{0,300}@([\w.:-]{1,255})/g, peer: hostOnly(1) },
  // Chromium's and Firefox's error pages name the site in a sentence.
  { re: /\bsteal your information from ([\w.-]{1,255})/g, peer: hostOnly(1) },
  { re: /\bYou cannot visit ([\w.-]{1,255}) right now/g, peer: hostOnly(1) },
  { re: /(?:^|\s)([\w.-]{1,255}) sent an invalid response/g, peer: hostOnly(1) },
  { re: /\bThe owner of ([\w.-]{1,255}) has configured/g, peer: hostOnly(1) },
  // DevTools prints a failed request's URL without its scheme under `net::ERR_…`: `api.example.com:5000/v1/x`.
  { re: new RegExp(`^\\s*${HOSTPORT}/`, 'g'), peer: hp(1, 2) },
];

const GENERIC: Extractor = {
  // A `host:port:` is fine when the colon ends a message part (`localhost:27017: [Errno 111]`).
  re: new RegExp(`(?:^|[\\s"'(\\[=@,{])${HOSTPORT}(?![\\w.]|:[^\\s])`, 'g'),
  peer: (m) => {
    const host = m[1].startsWith('[') ? m[1] : m[1];
    // ZooKeeper's log context `[myid:3]` is the server's own id, never a peer.
    if (host === 'myid') return null;
    if (!host.startsWith('[') && (looksLikeSourceFile(host) || !/[A-Za-z]/.test(host) && !/^\d{1,3}(?:\.\d{1,3}){3}$/.test(host))) return null;
    return { host: cleanHost(host), port: cleanPort(m[2]), url: null };
  },
};

const PORT_ONLY = /\bport[ :=] ?(\d{1,5})\b/gi;
// Documentation and help sites: a link to them explains the failure, it never names the peer.
const DOC_HOSTS =
  /(?:^|\.)(?:curl\.se|curl\.haxx\.se|nodejs\.org|nodejs\.dev|readthedocs\.(?:io|org)|developer\.mozilla\.org|learn\.microsoft\.com|docs\.microsoft\.com|aka\.ms|stackoverflow\.com|wiki\.apache\.org|cwiki\.apache\.org|docs\.python\.org|docs\.oracle\.com|docs\.docker\.com|docs\.github\.com|kubernetes\.io|go\.dev|sqlalche\.me|man7\.org|postgresql\.org|dev\.mysql\.com|mariadb\.com|redis\.io)$/i;
// Words that introduce a help link: Hadoop's `For more details see:  http://wiki.apache.org/…`, `See https://…`, `visit …`.
const HELP_BEFORE = /\b(?:see|visit|refer to|details|documentation|docs|help|info|information|troubleshooting|explained)(?: at| on| in| here)?\W{0,12}$/i;
// Words that introduce this machine's own address: a listener, a bind or a source address is never the peer.
const LOCAL_BEFORE = /\b(?:listen(?:ing)?(?: on| at)?|running on|bound to|bind(?:ing)?(?: to)?|local(?: address)?(?: is)?|laddr|source address|serving(?: [A-Z]{2,10})? on)\W{0,4}$/i;

/** The parts of a URL: host null for placeholders; the scheme's port when none is written; no help-site filter. */
export function parseUrlOf(raw: string): Peer | null {
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
  // mongodb://a:1,b:2/ lists several hosts: the first one is the peer.
  const comma = authority.indexOf(',');
  if (comma !== -1) authority = authority.slice(0, comma);
  const { host, port } = splitHostPort(authority);
  if (host === null) return port === null ? null : { host: null, port, url: null };
  // `https://registry:port/v2/`: a port is written but masked, so the scheme's does not stand in for it.
  if (port === null && /:[^\d\]:][^:\]]{0,30}$/.test(authority)) return { host, port: null, url, portHidden: true };
  return { host, port: port ?? SCHEME_PORTS[scheme] ?? null, url };
}

/** Parses a URL found in text: host null for placeholders and help sites; scheme port when none is written. */
export function parseUrl(raw: string): Peer | null {
  const peer = parseUrlOf(raw);
  if (peer?.host != null && DOC_HOSTS.test(peer.host)) return null;
  return peer;
}

/** Whether a match of a weak extractor names something other than the peer: a help link, a listener, a wildcard. */
function notThePeer(line: string, index: number, found: Peer): boolean {
  // A wildcard address (0.0.0.0, ::) is where a server listens, not where a client connects.
  if (found.host !== null && isWildcardAddress(found.host)) return true;
  const before = line.slice(Math.max(0, index - 40), index + 1);
  return HELP_BEFORE.test(before.slice(0, -1)) || LOCAL_BEFORE.test(before.slice(0, -1));
}

function leftmost(line: string, extractors: readonly Extractor[], strict: boolean): Peer | null {
  let best: Peer | null = null;
  let bestIndex = Infinity;
  for (const { re, peer } of extractors) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(line)) !== null && m.index < bestIndex) {
      const found = peer(m);
      if (found !== null && (found.host !== null || found.port !== null || found.final === true) && !(strict && notThePeer(line, m.index, found))) {
        best = found;
        bestIndex = m.index;
        break;
      }
      if (re.lastIndex === m.index) re.lastIndex++;
    }
  }
  return best;
}

/** A tier of extractors; weak tiers skip help links, listeners and wildcard addresses. */
interface Tier {
  extractors: readonly Extractor[];
  weak: boolean;
}

const TIERS_TRIGGER: readonly Tier[] = [
  { extractors: UNIX, weak: false }, { extractors: UPSTREAM, weak: false }, { extractors: STRONG, weak: false },
  { extractors: URLS, weak: true }, { extractors: WEAK, weak: true }, { extractors: [GENERIC], weak: true },
];
const TIERS_CONTEXT: readonly Tier[] = TIERS_TRIGGER.slice(0, 5);
// An informational line beside the failure is read only for a statement about a connection.
const TIERS_NEIGHBOUR: readonly Tier[] = TIERS_TRIGGER.slice(0, 3);

function peerOfLine(line: string, tiers: readonly Tier[]): Peer | null {
  for (const tier of tiers) {
    const found = leftmost(line, tier.extractors, tier.weak);
    if (found !== null) return found;
  }
  return null;
}

// A log record of its own at an informational level (`INFO …`, `[debug] …`, `2024-05-01 12:00:00 INFO …`): it
// reports what a server or tool does (`Listening on http://…`), not the failure, so only a statement about a
// connection counts there. Record boundaries themselves are the block's (the engine's) concern.
const INFO_RECORD = /^\S{0,40}?[ [(]?(?:INFO|DEBUG|TRACE|NOTICE|VERBOSE|info|debug|trace|notice|verbose)\b[\]):]?\s/;
// A server announcing where it listens (`Serving HTTP on 127.0.0.1 port 8000 (http://…)`, `Listening on :3000`,
// `Uvicorn running on http://…`); libpq's hint `Is the server running on that host` is part of the failure.
const LISTENER_LINE = /(?<![Tt]he server )\b(?:[Ss]erving(?: [A-Z]{2,10})?|[Ll]istening|[Rr]unning) (?:on|at)\s/;

/** The peer of a block: trigger lines first (in order), then the context lines nearest first. */
export function extractPeer(triggerLines: readonly string[], contextLines: readonly string[]): Peer {
  return peerOf(triggerLines, contextLines);
}

function peerOf(triggerLines: readonly string[], contextLines: readonly string[]): Peer {
  let peer: Peer | null = null;
  for (const line of triggerLines) {
    peer = peerOfLine(line, TIERS_TRIGGER);
    if (peer !== null) break;
  }
  if (peer === null) {
    for (const line of contextLines) {
      peer = peerOfLine(line, INFO_RECORD.test(line) || LISTENER_LINE.test(line) ? TIERS_NEIGHBOUR : TIERS_CONTEXT);
      if (peer !== null) break;
    }
  }
  if (peer === null || peer.final === true) return { host: null, port: null, url: null };
  if (peer.host !== null && peer.port === null && peer.portHidden !== true) return { ...peer, port: portForHost(peer.host, [...triggerLines, ...contextLines]) };
  return peer;
}

/** What the detector parsed about a failure's target, as the incident carries it. */
export type IncidentTarget = Pick<Incident, 'host' | 'port' | 'url'> & Required<Pick<Incident, 'proxy' | 'address' | 'elapsedMs'>> & Pick<Incident, 'portFrom'>;

/**
 * The target of a block as the incident records it: the peer (failing line, then its record),
 * the program's default port when the text names a host without one, the proxy the text names,
 * the IP address written and the time to failure.
 */
export function incidentTarget(triggerLines: readonly string[], contextLines: readonly string[], ecosystem: string | null): IncidentTarget {
  const peer = peerOf(triggerLines, contextLines);
  const record = [...triggerLines, ...contextLines];
  let { host, port } = peer;
  let portFrom: IncidentTarget['portFrom'] = port !== null ? 'output' : undefined;
  if (host !== null && port === null && peer.portHidden !== true) {
    port = defaultPort(peer.scheme) ?? serviceDefaultPort(programOfLines(triggerLines)) ?? serviceDefaultPort(ecosystem);
    if (port !== null) portFrom = 'default';
  }
  const proxy = proxyOf(record);
  // The failure names the proxy it could not reach: host and port stay the proxy until a destination is known.
  if (proxy !== null && host === null) {
    host = proxy.host;
    port = proxy.port;
    portFrom = port !== null ? 'output' : undefined;
  }
  let address: string | null = null;
  for (const line of record) if ((address = addressInText(line, port)) !== null) break;
  return { host, port, url: peer.url, proxy, address, elapsedMs: elapsedInText(record.join('\n')), ...(portFrom ? { portFrom } : {}) };
}

/**
 * The default port of the service a program or ecosystem speaks (`psql`, `postgres` → 5432), or null.
 * HTTP clients (curl, wget) have none: the URL's scheme decides, and a bare host name does not say which.
 */
export function serviceDefaultPort(program: string | null | undefined): number | null {
  const scheme = programScheme(program);
  return scheme === null || scheme === 'http' || scheme === 'https' ? null : defaultPort(scheme);
}

// A client's own prefix on its message: `psql: error: …`, `ssh: …`, `redis-cli: …`.
const PROGRAM_PREFIX = /^([a-z][\w.-]{0,30}): /;

/** The client program a failure's lines name as their prefix (`psql: error: …` → psql), or null. */
export function programOfLines(lines: readonly string[]): string | null {
  for (const line of lines) {
    const name = PROGRAM_PREFIX.exec(line)?.[1];
    if (name !== undefined && programScheme(name) !== null) return name;
  }
  return null;
}

// Lines that name the proxy a client went through: curl's `Could not resolve proxy: HOST`,
// curl -v's `Uses proxy env variable https_proxy == 'URL'`, `connecting to proxy HOST:PORT`.
const PROXY_NAMED: readonly Extractor[] = [
  { re: /\bCould not resolve proxy: ([\w.-]{1,255})/g, peer: hostOnly(1) },
  { re: /\bUses proxy env variable \w{1,20} == '([^'\s]{1,500})'/g, peer: (m) => (m[1].includes('://') ? parseUrlOf(m[1]) : { ...splitHostPort(m[1]), url: null }) },
  { re: /\bconnecting to (?:HTTP |SOCKS\d? )?proxy ([^\s:]{1,255}(?::\d{1,5})?)/gi, peer: token(1) },
];

/** The proxy the lines name, or null. */
function proxyOf(lines: readonly string[]): { host: string; port: number | null } | null {
  for (const line of lines) {
    const found = leftmost(line, PROXY_NAMED, false);
    if (found !== null && found.host !== null) return { host: found.host, port: found.port };
  }
  return null;
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

/** Time to failure written in the error text (curl "after N ms", undici "timeout: N ms", Python "timeout=N"), in ms, or null. */
export function elapsedInText(text: string): number | null {
  const t = text.slice(0, 8192);
  const ms = AFTER_MS.exec(t) ?? TIMEOUT_MS.exec(t);
  if (ms) return Number(ms[1]);
  const s = AFTER_S.exec(t) ?? TIMEOUT_S.exec(t);
  return s ? Math.round(Number(s[1]) * 1000) : null;
}

const KNOWN_CODE = /\b(E(?:CONNREFUSED|CONNRESET|CONNABORTED|TIMEDOUT|SOCKETTIMEDOUT|NOTFOUND|AI_AGAIN|AI_NONAME|HOSTUNREACH|NETUNREACH|PIPE|PROTO)|UND_ERR_[A-Z_]{2,30}|(?:CERT|UNABLE|SELF|DEPTH|ERR_TLS|ERR_SSL)_[A-Z_]{2,40}|WSAE[A-Z]{4,20})\b/;
// Node's `syscall: 'connect'`, `connect ECONNREFUSED`; Go's net.OpError `read tcp …`, `write tcp …`, `dial tcp …`.
const SYSCALL = /\bsyscall: '(\w{1,30})'|\berroredSysCall: '(\w{1,30})'|\b(connect|read|write|getaddrinfo) E[A-Z]{4,15}\b|\b(read|write|dial) (?:tcp|udp)[46]? /;

/** errno-style code and syscall written in the block, for rules that do not fix them. */
export function extractCodeAndSyscall(lines: readonly string[]): { code: string | null; syscall: string | null } {
  let code: string | null = null;
  let syscall: string | null = null;
  for (const line of lines) {
    if (code === null) code = KNOWN_CODE.exec(line)?.[1] ?? null;
    if (syscall === null) {
      const m = SYSCALL.exec(line);
      if (m !== null) syscall = m[1] ?? m[2] ?? m[3] ?? (m[4] === 'dial' ? 'connect' : m[4]) ?? null;
    }
    if (code !== null && syscall !== null) break;
  }
  return { code, syscall };
}

/** Every regular expression the extraction uses, for the static ReDoS check. */
export function extractionRegExps(): RegExp[] {
  const extractors = [...UNIX, ...UPSTREAM, ...STRONG, ...URLS, ...WEAK, GENERIC, ...PROXY_NAMED];
  return [...extractors.map((e) => e.re), PORT_ONLY, DOC_HOSTS, HELP_BEFORE, LOCAL_BEFORE, INFO_RECORD, LISTENER_LINE, PROGRAM_PREFIX, IP_TOKEN, AFTER_MS, AFTER_S, TIMEOUT_MS, TIMEOUT_S, KNOWN_CODE, SYSCALL];
}
