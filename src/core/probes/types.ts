/**
 * The `data` shape of every probe, the probe context and the orchestration signature.
 * This file is the contract the diagnosis engine (rules over probe data) and the fault
 * suite build on: add fields freely, never rename or remove one.
 *
 * Conventions: times are milliseconds measured from the start of the step they describe;
 * `null` means "not measured / not applicable", never "zero"; error codes are Node's
 * errno-style strings (ECONNREFUSED, ENOTFOUND, ERR_TLS_CERT_ALTNAME_INVALID, ...) or the
 * probe's own (ETIMEDOUT for our timeout, ABORTED for the caller's AbortSignal).
 */
import type { Incident, ProbeId, ProbeResult, Target } from '../types';

/** IP family of an address, as Node numbers it. */
export type Family = 4 | 6;

/** One address with its family. */
export interface Address {
  address: string;
  family: Family;
}

/** An error reduced to what the engine needs. */
export interface ErrorInfo {
  code: string;
  message: string;
}

// ---------------------------------------------------------------- resolve

/**
 * What a DNS error means. `nxdomain`: the name does not exist (ENOTFOUND from getaddrinfo or
 * from DNS). `nodata`: the name exists without a record of that type (ENODATA).
 * `tempfail`: the system resolver could not get an answer now (EAI_AGAIN). `servfail`: the DNS
 * server failed (ESERVFAIL). `refused`: the DNS server refused or could not be reached
 * (EREFUSED, ECONNREFUSED). `timeout`: no DNS answer in time (ETIMEOUT, or our timeout).
 */
export type DnsErrorKind = 'nxdomain' | 'nodata' | 'tempfail' | 'servfail' | 'refused' | 'timeout' | 'aborted' | 'other';

/** A DNS error with its meaning. */
export interface DnsError extends ErrorInfo {
  kind: DnsErrorKind;
}

/** The system resolver's answer (getaddrinfo: hosts file, mDNS, DNS, in the OS's order). */
export interface LookupAnswer {
  /** In the order getaddrinfo returned them (the order clients try them, verbatim). */
  addresses: Address[];
  ms: number;
  error?: DnsError;
}

/** A DNS-only answer (`dns.resolve4` / `dns.resolve6`: c-ares, ignores the hosts file). */
export interface DnsAnswer {
  addresses: string[];
  ms: number;
  error?: DnsError;
}

/** Data of the `resolve` probe. */
export interface ResolveData {
  host: string;
  /** The host is an IP literal: no resolution was done, `addresses` is the literal. */
  ipLiteral: boolean;
  /** `dns.lookup(host, {all: true, order: 'verbatim'})`; null for IP literals. */
  lookup: LookupAnswer | null;
  /** `dns.resolve4(host)`; null for IP literals and for names DNS never sees (localhost, *.localhost). */
  dns4: DnsAnswer | null;
  /** `dns.resolve6(host)`; null like dns4. */
  dns6: DnsAnswer | null;
  /** Addresses the hosts file gives this name (read locally), or null when it has no entry. */
  hostsFile: { path: string; addresses: string[] } | null;
  /** The hosts file answers this name and DNS answers differently (or not at all). */
  hostsFileOverride: boolean;
  /** The system resolver and DNS disagree (different address sets, or one fails and the other not). */
  disagree: boolean;
  /** The addresses the other probes use: lookup's answer, or the literal. Empty when resolution failed. */
  addresses: Address[];
  /** The family getaddrinfo put first (what a client without Happy Eyeballs tries first), or null. */
  firstFamily: Family | null;
  /** The overall resolution failure kind (from lookup, which is what clients use), or null when it resolved. */
  failure: DnsErrorKind | null;
}

// ---------------------------------------------------------------- tcp

/**
 * How one TCP connect ended. accepted: handshake done. refused: RST to the SYN (ECONNREFUSED).
 * timeout: no answer before the deadline. unreachable: EHOSTUNREACH / ENETUNREACH / EADDRNOTAVAIL.
 * reset: accepted, then reset within the settle window (or ECONNRESET during connect).
 * aborted: the caller's AbortSignal fired. error: anything else (see code).
 */
export type TcpOutcome = 'accepted' | 'refused' | 'timeout' | 'unreachable' | 'reset' | 'aborted' | 'error';

/** What the peer did in the short settle window after accepting. */
export type AfterAccept = 'quiet' | 'data' | 'closed' | 'reset';

/** One TCP connect attempt. */
export interface TcpAttempt {
  address: string;
  family: Family;
  outcome: TcpOutcome;
  /** Time to the outcome: to the handshake for 'accepted', to the reset for 'reset', to the deadline for 'timeout'. */
  ms: number;
  /** errno code, when the outcome came from an error. */
  code?: string;
  /** Time to the accept (handshake) when it happened. */
  connectMs?: number;
  /** After an accept: what the peer did within the settle window. */
  afterAccept?: AfterAccept;
  /** After an accept: how long the connection was actually watched (settleMs, longer while other probes ran). */
  watchedMs?: number;
  /** First bytes the peer sent unasked (a banner), sanitised to printable ASCII, at most 120 chars. */
  banner?: string;
}

/** Data of the `tcp` probe. */
export interface TcpData {
  port: number;
  /** One attempt per resolved address (deduplicated, at most 4 per family). */
  attempts: TcpAttempt[];
  /** Families with at least one accepted attempt. */
  acceptedFamilies: Family[];
  /** The shortest watch of each accepted connection for a reset/close/banner (see each attempt's watchedMs). */
  settleMs: number;
}

// ---------------------------------------------------------------- tls

/** One certificate of the chain the server sent, leaf first. */
export interface CertInfo {
  subject: string;
  issuer: string;
  /** e.g. "DNS:localhost, IP Address:127.0.0.1", or null. */
  subjectAltName: string | null;
  validFrom: string;
  validTo: string;
  /** SHA-256 fingerprint, colon-separated hex. */
  fingerprint256: string;
  serialNumber: string;
  selfSigned: boolean;
}

/** What a plaintext client sees on this port (an HTTP request sent without TLS). */
export interface PlainProbe {
  /**
   * http: an HTTP response. tls-alert: TLS record bytes (0x15/0x16). closed/reset: the server hung up.
   * silent: nothing within the wait. data: other bytes (a banner). error: connect failed.
   */
  outcome: 'http' | 'tls-alert' | 'closed' | 'reset' | 'silent' | 'data' | 'error';
  /** First line of the answer, sanitised, at most 120 chars. */
  firstLine?: string;
  ms: number;
  code?: string;
}

/** Data of the `tls` probe. */
export interface TlsData {
  /**
   * expected: the scheme/port/incident implies TLS. sniff: the target is plaintext by scheme, and the
   * probe checks whether the port answers TLS anyway (plain-to-TLS-port mistakes).
   */
  mode: 'expected' | 'sniff';
  /** SNI sent (null for IP literals). */
  servername: string | null;
  /** The TLS handshake completed (certificate problems do not stop it: verification is done afterwards). */
  handshake: boolean;
  /** The port speaks TLS (the handshake completed or failed with a TLS alert rather than plaintext). */
  speaksTls: boolean | null;
  protocol: string | null;
  cipher: string | null;
  alpn: string | null;
  /** Leaf first. */
  chain: CertInfo[];
  validFrom: string | null;
  validTo: string | null;
  expired: boolean | null;
  notYetValid: boolean | null;
  /** tls.checkServerIdentity(host, leaf) passed. */
  hostnameMatch: boolean | null;
  /** checkServerIdentity's error code (ERR_TLS_CERT_ALTNAME_INVALID) and reason. */
  hostnameError: ErrorInfo | null;
  /** The chain verifies against Node's CA store (+ NODE_EXTRA_CA_CERTS, ctx.tlsCa); the host name is not part of it. */
  trusted: boolean | null;
  /**
   * OpenSSL's chain verification code: DEPTH_ZERO_SELF_SIGNED_CERT, SELF_SIGNED_CERT_IN_CHAIN, CERT_HAS_EXPIRED,
   * UNABLE_TO_VERIFY_LEAF_SIGNATURE, ... A wrong host name shows in hostnameError (ERR_TLS_CERT_ALTNAME_INVALID), not here.
   */
  authorizationError: string | null;
  /** The handshake failed; code such as ERR_SSL_WRONG_VERSION_NUMBER, ECONNRESET, ETIMEDOUT. */
  handshakeError: ErrorInfo | null;
  /** The port answered the ClientHello in plaintext (wrong version number, HTTP 400, a banner). */
  plaintext: boolean;
  /** When `plaintext`: the first line a plain client gets (e.g. "HTTP/1.1 400 Bad Request"). */
  plaintextResponse?: string;
  /** When the handshake worked: what a plaintext HTTP client gets from this port (plain-to-TLS). */
  plainProbe?: PlainProbe;
  /** Time to the end of the handshake. */
  handshakeMs: number | null;
}

// ---------------------------------------------------------------- http

/** How a peer ended a connection: an RST (ECONNRESET / EPIPE) or a FIN (end of stream). */
export type CloseKind = 'reset' | 'eof';

/** The stage an HTTP exchange failed at. */
export type HttpStage = 'dns' | 'connect' | 'tls' | 'request' | 'response' | 'body';

/** Data of the `http` probe (one GET on a fresh connection, redirects not followed). */
export interface HttpData {
  /** The URL requested, credentials removed. */
  url: string;
  status: number | null;
  statusMessage: string | null;
  httpVersion: string | null;
  /** Each from the start of the request; null when that step did not happen (no DNS for literals, no TLS for http). */
  timings: { dns: number | null; connect: number | null; tls: number | null; firstByte: number | null; total: number };
  headers: {
    connection: string | null;
    keepAlive: string | null;
    server: string | null;
    via: string | null;
    retryAfter: string | null;
    location: string | null;
    contentType: string | null;
    contentLength: string | null;
  };
  /** `timeout=N` of the Keep-Alive header, in ms, or null. */
  keepAliveTimeoutMs: number | null;
  /** Body bytes read (reading stops at 64 KiB). */
  bodyBytes: number;
  /** The body ended normally (false when it was cut, or reading was stopped at the cap). */
  complete: boolean;
  /** The server closed or reset the connection after the request was sent and before the response ended. */
  closedMidResponse: boolean;
  /**
   * How the server ended the connection before the response ended (also when that came before the request was written): 'reset' (an RST: ECONNRESET,
   * EPIPE; what a server that rejects the connection itself sends) or 'eof' (a FIN: Node's
   * "socket hang up", curl's "Empty reply from server"; what a server that read the request and
   * closed sends); null when it did not end it early.
   */
  closeKind: CloseKind | null;
  /** Where it failed, or null. */
  failedAt: HttpStage | null;
  /** The remote address actually used. */
  remoteAddress: string | null;
}

// ---------------------------------------------------------------- listeners

/** One listening TCP socket of this machine. */
export interface Listener {
  /** Local address: 0.0.0.0 / :: for wildcard; IPv4-mapped IPv6 addresses are shown as IPv4 with family 6. */
  address: string;
  port: number;
  /** The socket's family (a :: listener is family 6 and, unless v6only, also takes IPv4). */
  family: Family;
  /** Connections waiting to be accepted (Linux: rx_queue of a LISTEN socket in /proc/net/tcp); null when unknown. Above 0 for long means the process is not accepting. */
  acceptQueue: number | null;
  /** The effective listen() backlog (Linux: Send-Q of `ss -ltn`, via netlink; /proc's tx_queue is not it); null when unknown. */
  backlog: number | null;
  /** acceptQueue > backlog (known only with the backlog): the kernel now drops new handshakes (SYN timeouts). */
  queueFull: boolean;
  pid?: number;
  process?: string;
}

/** Coverage of one resolved address of the target by the listeners on the target port. */
export interface Coverage {
  address: string;
  family: Family;
  /** A listener on the target port would take a connection to this address. */
  covered: boolean;
  /** The listener that covers it (its address), or null. */
  by: string | null;
}

/** Data of the `listeners` probe (only for targets on this machine). */
export interface ListenersData {
  /** Where the table came from. */
  source: 'proc' | 'lsof' | 'netstat' | 'powershell' | 'none';
  port: number;
  /** Listeners on the target port. */
  listeners: Listener[];
  onTargetPort: boolean;
  /** Listeners on ports within ±10 or on conventional dev ports (3000, 3001, 5173, 8000, 8080, 8443, ...), excluding the target port. */
  nearby: Listener[];
  /** For each resolved target address: is a listener there to take it. */
  coverage: Coverage[];
  /** Total listening sockets seen (sanity: 0 with source 'none' means unknown). */
  total: number;
}

// ---------------------------------------------------------------- proxy

/** Data of the `proxy` probe. Every URL here has its credentials masked (user:***@). */
export interface ProxyData {
  /** Proxy variables found, by their exact name (HTTP_PROXY, https_proxy, ALL_PROXY, NO_PROXY, ...), masked. */
  env: Record<string, string>;
  /** VS Code's http.proxy (masked), or null. */
  vscodeProxy: string | null;
  /** The scheme used to pick the variable (the target's, or http when it has none). */
  scheme: string;
  /** The proxy this target's requests would go through (masked), or null. */
  proxyForTarget: string | null;
  /** Where that proxy came from: the variable name, or 'vscode'. */
  source: string | null;
  /** The NO_PROXY entry that exempts the target, or null. */
  bypassedBy: string | null;
  /** The target is on this machine and would still go through the proxy (a common misconfiguration). */
  localThroughProxy: boolean;
  /** When a proxy applies: whether it answers (TCP), and what it says to CONNECT host:port. */
  proxyAnswers: {
    host: string;
    port: number;
    outcome: TcpOutcome;
    ms: number;
    code?: string;
    /** Status of `CONNECT target` (200 ok, 403/407/502 ...), null when not asked or no answer. */
    connectStatus: number | null;
    connectLine?: string;
  } | null;
}

// ---------------------------------------------------------------- repeat

/** One repeated attempt. */
export interface RepeatAttempt {
  /** Index, 0-based, and the planned start offset from the probe start. */
  index: number;
  startedAt: number;
  ok: boolean;
  /** TCP outcome, or for HTTP 'response' / the stage code. */
  outcome: string;
  ms: number;
  code?: string;
  /** HTTP status when the repeat uses HTTP. */
  status?: number;
  /** When the server ended the connection early: by RST ('reset') or FIN ('eof'). */
  close?: CloseKind;
}

/** Data of the `repeat` probe. */
export interface RepeatData {
  /** tcp: connect (+ settle). http: a GET on a fresh connection, ok when any response arrives. */
  kind: 'tcp' | 'http';
  attempts: number;
  successes: number;
  failures: number;
  /** successes / attempts (0..1). */
  successRate: number;
  /** Planned start-to-start spacing (attempts overlap only when one outlasts the spacing). */
  spacingMs: number;
  outcomes: RepeatAttempt[];
  /** Latency percentiles of the successful attempts, or null when none succeeded. */
  p50: number | null;
  p95: number | null;
  /** Some succeeded and some failed: the failure is intermittent. */
  intermittent: boolean;
}

// ---------------------------------------------------------------- keepalive

/** Data of the `keepalive` probe. */
export interface KeepaliveData {
  /** The Keep-Alive timeout the server advertised (ms), or null. */
  serverKeepAliveTimeoutMs: number | null;
  /** The server said `Connection: close` on the first response (no reuse possible). */
  serverRefusesKeepAlive: boolean;
  /** How long the connection was left idle before the reuse. */
  idleMs: number;
  /** The idle wait reached just past the advertised timeout (false when the budget was too short). */
  reachedAdvertised: boolean;
  /** The server closed the idle connection (FIN/RST seen during the idle, or the reuse failed). */
  closedByServer: boolean;
  /** When the server closed it: idle time at the close, i.e. the measured idle timeout. */
  closedAfterMs: number | null;
  /** The second request on the same connection got a response. */
  reusedOk: boolean;
  /** The error the reuse got (ECONNRESET, EPIPE, 'socket hang up' as ECONNRESET ...). */
  reuseError: ErrorInfo | null;
  /** How the server ended the idle or reused connection: RST ('reset') or FIN ('eof'); null when it did not. */
  closeKind?: CloseKind | null;
  /** Budget left for the idle wait when it started. */
  budgetMs: number;
}

// ---------------------------------------------------------------- probe context and API

/** Everything a probe needs besides the target. */
export interface ProbeContext {
  /** Per-probe timeout, and the overall budget of runProbes; default 3000. */
  timeoutMs?: number;
  /** Aborts the probe: it returns promptly with status fail/skipped and code ABORTED. */
  signal?: AbortSignal;
  /** Environment for the proxy variables (pass process.env in real use). */
  env: NodeJS.ProcessEnv;
  /** Attempts of the repeat probe; default 5. */
  attempts?: number;
  /** Spacing of the repeat attempts; default 200 ms. */
  spacingMs?: number;
  /** VS Code's http.proxy setting, or null. */
  vscodeProxy?: string | null;
  /** The incident being diagnosed, when there is one. */
  incident?: Incident | null;
  /** The resolve probe's data, so later probes reuse it instead of resolving again. */
  resolved?: ResolveData;
  /** Absolute deadline (Date.now() based) shared by runProbes; a probe never runs past it. */
  deadline?: number;
  /** Extra CA certificates (PEM) trusted besides Node's store (tests, corporate roots); NODE_EXTRA_CA_CERTS also works. */
  tlsCa?: string[];
  /**
   * Set by runProbes: settles when the other connecting probes (http, repeat, tls, proxy) are done. The tcp
   * probe watches its accepted connections until then, so a reset that a loaded server sends late is seen.
   */
  watchUntil?: Promise<unknown>;
  /** The command line that failed, when the host knows it (shell integration): it helps decide the service. */
  commandLine?: string | null;
}

/** A probe function: never throws, never outlives its timeout. */
export type Probe<D> = (target: Target, ctx: ProbeContext) => Promise<ProbeResult<D>>;

/** Options of runProbes on top of the probe context. */
export interface RunProbesOptions extends ProbeContext {
  /** Called when a probe starts and when it is done (the done call carries the result). */
  onProbe?: (result: ProbeResult, phase: 'start' | 'done') => void;
  /** Run only these probes (the others are reported as skipped); default all. */
  only?: readonly ProbeId[];
}


// ---------------------------------------------------------------- service

/** Services the service probe speaks (one module each under core/probes/service/). */
export type ServiceName = 'ssh' | 'postgresql' | 'mysql' | 'redis' | 'mongodb' | 'smtp' | 'imap' | 'pop3' | 'amqp' | 'kafka' | 'http';

/** What decided the service: the failing program (incident), its command line, the URL scheme, or the port's conventional service. */
export type ServiceChoice = 'incident' | 'command' | 'scheme' | 'port';

/** A protocol recognised from a server's first bytes: a service, TLS records, or another well-known greeting. */
export type SpokenProtocol = ServiceName | 'tls' | 'ftp' | 'vnc';

/**
 * How the service answered the opening a client sends. greeting: an answer of this service.
 * silent: accepted, nothing within the wait. other: bytes of another or unknown protocol.
 * closed / reset: the server hung up (FIN / RST) without an answer. refused / unreachable / timeout / error: no connection.
 * aborted: the caller's signal.
 */
export type GreetingOutcome = 'greeting' | 'silent' | 'other' | 'closed' | 'reset' | 'refused' | 'unreachable' | 'timeout' | 'error' | 'aborted';

/** Where authentication stands after the first answer: the server asks for credentials, let us in, or refused (an access error). */
export type AuthState = 'required' | 'ok' | 'denied';

/** Data of the `service` probe: the service's own first exchange, the way its clients open it. */
export interface ServiceData {
  /** The service spoken to, or null when none could be decided (the probe is then skipped). */
  service: ServiceName | null;
  chosenBy: ServiceChoice | null;
  /** Why this service, in words: "the error came from psql (rule postgres.refused)". */
  why: string;
  /** What the client asked for: TLS required (rediss://, sslmode=require, --tls), disabled, or unknown. */
  clientTls: 'required' | 'disabled' | null;
  /** Where clientTls came from (the scheme, the URL's sslmode, the command line, the error text). */
  clientTlsFrom: string | null;
  /** The probe opened with a TLS handshake (a TLS scheme, or the client required TLS). */
  usedTls: boolean;
  outcome: GreetingOutcome;
  /** The answer belongs to the expected service. */
  recognized: boolean;
  /** The protocol the first bytes belong to when it is not the expected one (or null when unknown). */
  spoken: SpokenProtocol | null;
  /** Some other protocol answered on this port (spoken is set and differs from service). */
  wrongService: boolean;
  /** Accepted, and no greeting / answer came within the wait (a stalled handshake). */
  stalled: boolean;
  /** How long the probe waited for the first answer after the accept (ms), or null without an accept. */
  waitedMs: number | null;
  /** First line of the first answer, printable, at most 120 chars; null when nothing arrived. */
  firstLine: string | null;
  /** Server software and version as the service tells it (SSH banner, MySQL server version, redis_version ...). */
  version: string | null;
  /** The server offers TLS on this connection (PostgreSQL 'S', MySQL CLIENT_SSL, SMTP STARTTLS, a TLS handshake); null when unknown. */
  tlsOffered: boolean | null;
  /** The server requires TLS (PostgreSQL "no encryption" rejection, a TLS-only port); null when unknown. */
  tlsRequired: boolean | null;
  /** When the expected plaintext service got no answer: whether the port completes a TLS handshake instead. */
  tlsOnPort: boolean | null;
  auth: AuthState | null;
  /** The server's access or error message (PostgreSQL ErrorResponse, MySQL ERR packet, Redis -NOAUTH ...), printable. */
  serverError: string | null;
  /** The server's error code: PostgreSQL SQLSTATE, MySQL error number, Redis error word. */
  serverErrorCode: string | null;
  /** Protocol details worth showing (ALPN, auth method, capability words, wire version ...). */
  details: Record<string, string | number | boolean>;
  connectMs: number | null;
}
