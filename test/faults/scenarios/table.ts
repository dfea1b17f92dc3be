/**
 * The client × fault table of clients.test.ts: every real client program against every fault it
 * can meet, each with the cause that must rank first. Faults are started once and shared by all
 * the clients that use them. A scenario the diagnosis still gets wrong is listed in KNOWN_MISSES
 * with the reason; the suite asserts it still misses, so the list stays honest.
 */
import type { ProbeId } from '../../../src/core/types';
import type { TestCerts } from '../certs';
import { closeMidResponseServer, httpServer, resettingServer, scriptedServer, silentServer, slowHttpServer, tlsServer, tlsSocketServer } from '../servers';
import { startHttpOk, startShortKeepAlive } from './faultServers';
import type { FaultServer } from './faultServers';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { KEEPALIVE_REUSE } from './clients';
import { runNodeClient } from './harness';
import { HTTP_CLIENTS, MARIADB_CLIENT, PSQL_CLIENT, REDIS_CLIENT, SSH_CLIENT } from './programs';
import type { ClientProgram } from './programs';

/** A running fault: where it listens (inside `netns` when set) and how clients address it. */
export interface RunningFault {
  host: string;
  port: number;
  netns: string | null;
  close(): Promise<void>;
}

/** What a fault needs to start. */
export interface FaultContext {
  certs: TestCerts;
  /** A fresh namespace with only loopback up (null when namespaces are unavailable: refused faults are skipped). */
  emptyNamespace: string | null;
  /** Starts a real server (redis, sshd) or returns null with the reason logged. */
  real(kind: 'redis-auth' | 'sshd'): Promise<RunningFault | null>;
}

/** One fault of the table. */
export interface Fault {
  id: string;
  /** What the misbehaving server does. */
  does: string;
  /** The cause that must rank first. */
  expected: string;
  /** Probes of which one must support it. */
  probes: readonly ProbeId[];
  /** How HTTP clients address it ('tcp' for service clients: host and port). */
  scheme: 'http' | 'https' | 'tcp';
  /** The client trusts the test CA (and so does the diagnosis), so only this fault is wrong. */
  trustCa?: boolean;
  /** The client's own timeout, seconds. */
  clientTimeoutS?: number;
  start(ctx: FaultContext): Promise<RunningFault | null>;
}

const V4 = '127.0.0.1';

function onLoopback(s: Promise<{ host: string; port: number; close(): Promise<void> }>): Promise<RunningFault> {
  return s.then((x) => ({ host: x.host, port: x.port, netns: null, close: () => x.close() }));
}

/** Reads the request (any bytes), then resets the connection: a handler that aborts the socket. */
function resetAfterRequestServer(): Promise<RunningFault> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.once('close', () => sockets.delete(s));
    s.once('data', () => setTimeout(() => s.resetAndDestroy(), 5));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: V4, port: 0 }, () => {
      const a = server.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      resolve({
        host: V4,
        port,
        netns: null,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A closed port on the loopback of a namespace with nothing in it: refused, nothing near. */
function refusedInNamespace(ctx: FaultContext): Promise<RunningFault | null> {
  if (ctx.emptyNamespace === null) return Promise.resolve(null);
  return Promise.resolve({ host: V4, port: 20000 + Math.floor(Math.random() * 9000), netns: ctx.emptyNamespace, close: async () => undefined });
}

/** SSLRequest's code (PostgreSQL protocol 1234.5679). */
const SSL_REQUEST = 80877103;
/** AuthenticationCleartextPassword: what a PostgreSQL server asks after a StartupMessage. */
const AUTH_REQUEST = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]);

/** A PostgreSQL server without TLS: 'N' to an SSLRequest, an authentication request to the StartupMessage. */
function postgresWithoutTls(): Promise<RunningFault> {
  return onLoopback(
    scriptedServer({
      answer: (received, s) => {
        if (received.length < 8) return false;
        const first = received.readUInt32BE(4) === SSL_REQUEST;
        if (first && received.length === 8) {
          s.write('N');
          return false;
        }
        const startup = first ? received.subarray(8) : received;
        if (startup.length >= 8 && startup.length >= startup.readUInt32BE(0)) {
          s.write(AUTH_REQUEST);
          return true;
        }
        return false;
      },
    }),
  );
}

// ---------------------------------------------------------------- HTTP faults

/** Faults every HTTP client meets. */
export const HTTP_FAULTS: readonly Fault[] = [
  { id: 'refused', does: 'nothing listens on the port (a fresh namespace)', expected: 'no-listener', probes: ['tcp', 'listeners'], scheme: 'http', start: refusedInNamespace },
  { id: 'reset-on-accept', does: 'accepts, then resets at once', expected: 'reset-on-connect', probes: ['tcp', 'http', 'repeat'], scheme: 'http', start: () => onLoopback(resettingServer(V4)) },
  { id: 'close-after-request', does: 'reads the request, then closes (FIN) before any response', expected: 'closed-mid-response', probes: ['http'], scheme: 'http', start: () => onLoopback(closeMidResponseServer('before-response', V4)) },
  { id: 'reset-after-request', does: 'reads the request, then resets (RST) before any response', expected: 'closed-mid-response', probes: ['http', 'repeat'], scheme: 'http', start: () => resetAfterRequestServer() },
  { id: 'slow-response', does: 'accepts and answers after 8 s; the client gives up after 1 s', expected: 'slow-server', probes: ['http'], scheme: 'http', clientTimeoutS: 1, start: () => onLoopback(slowHttpServer(8000, V4)) },
  { id: 'self-signed', does: 'HTTPS with a self-signed certificate', expected: 'tls-untrusted-cert', probes: ['tls'], scheme: 'https', start: (c) => onLoopback(tlsServer(c.certs.selfSigned, { host: V4 })) },
  { id: 'expired-cert', does: 'HTTPS with a trusted CA\'s certificate valid only in January 2020', expected: 'tls-expired-cert', probes: ['tls'], scheme: 'https', trustCa: true, start: (c) => onLoopback(tlsServer(c.certs.expired, { host: V4 })) },
  { id: 'wrong-host-cert', does: 'HTTPS with a trusted certificate for wrong.example', expected: 'tls-hostname-mismatch', probes: ['tls'], scheme: 'https', trustCa: true, start: (c) => onLoopback(tlsServer(c.certs.wrongHost, { host: V4 })) },
  { id: 'plaintext-where-tls', does: 'plain HTTP on the port the client reaches with https', expected: 'tls-to-plain-port', probes: ['tls'], scheme: 'https', start: () => onLoopback(startHttpOk(V4)) },
  { id: 'tls-where-plaintext', does: 'HTTPS on the port the client reaches with http', expected: 'plain-to-tls-port', probes: ['tls'], scheme: 'http', start: (c) => onLoopback(tlsServer(c.certs.valid, { host: V4 })) },
];

// ---------------------------------------------------------------- service faults

const REFUSED_SERVICE: Fault = { id: 'refused', does: 'nothing listens on the port (a fresh namespace)', expected: 'no-listener', probes: ['tcp', 'listeners'], scheme: 'tcp', start: refusedInNamespace };
const RESET_SERVICE: Fault = { id: 'reset-on-accept', does: 'accepts, then resets at once', expected: 'reset-on-connect', probes: ['tcp', 'repeat', 'service'], scheme: 'tcp', start: () => onLoopback(resettingServer(V4)) };
const SILENT_SERVICE: Fault = { id: 'silent', does: 'accepts and never sends a byte', expected: 'handshake-stall', probes: ['service', 'tcp'], scheme: 'tcp', clientTimeoutS: 2, start: () => onLoopback(silentServer(V4)) };
const HTTP_ON_PORT: Fault = { id: 'http-on-port', does: 'an HTTP server on the port the client expects its service on', expected: 'wrong-service-on-port', probes: ['service'], scheme: 'tcp', start: () => onLoopback(httpServer({ host: V4 })) };
const TLS_ONLY: Fault = { id: 'tls-where-plaintext', does: 'a TLS-only server on the port the client speaks plaintext to', expected: 'service-requires-tls', probes: ['service', 'tls'], scheme: 'tcp', clientTimeoutS: 2, start: (c) => onLoopback(tlsSocketServer(c.certs.valid, (s) => s.resume(), V4)) };

/** A client and the faults it meets. */
export interface ClientRow {
  client: ClientProgram;
  faults: readonly Fault[];
}

/** The table: HTTP clients × HTTP faults, the keep-alive race for the clients that pool, and the service clients. */
export const TABLE: readonly ClientRow[] = [
  ...HTTP_CLIENTS.map((client) => ({ client, faults: HTTP_FAULTS })),
  {
    client: PSQL_CLIENT('prefer'),
    faults: [REFUSED_SERVICE, RESET_SERVICE, SILENT_SERVICE, HTTP_ON_PORT],
  },
  {
    client: PSQL_CLIENT('require'),
    faults: [{ id: 'no-tls', does: 'PostgreSQL that answers N to the SSLRequest; the client requires SSL', expected: 'service-no-tls', probes: ['service'], scheme: 'tcp', start: () => postgresWithoutTls() }],
  },
  { client: PSQL_CLIENT('disable'), faults: [TLS_ONLY] },
  {
    client: REDIS_CLIENT,
    faults: [
      REFUSED_SERVICE,
      RESET_SERVICE,
      HTTP_ON_PORT,
      { id: 'auth-required', does: 'a real redis-server with requirepass; the client sends no password', expected: 'auth-not-network', probes: ['service'], scheme: 'tcp', start: (c) => c.real('redis-auth') },
    ],
  },
  { client: MARIADB_CLIENT, faults: [REFUSED_SERVICE, RESET_SERVICE, SILENT_SERVICE, HTTP_ON_PORT] },
  {
    client: SSH_CLIENT,
    faults: [
      REFUSED_SERVICE,
      RESET_SERVICE,
      SILENT_SERVICE,
      HTTP_ON_PORT,
      { id: 'auth-refused', does: 'a real sshd that accepts no authentication method', expected: 'auth-not-network', probes: ['service', 'tcp'], scheme: 'tcp', start: (c) => c.real('sshd') },
    ],
  },
];

/** The keep-alive race: the server closes idle connections after 300 ms unannounced; a busy client reuses one. */
export const KEEPALIVE_FAULT: Fault = {
  id: 'keepalive-race',
  does: 'closes idle keep-alive connections after 300 ms without announcing it; the client reuses one while busy',
  expected: 'keepalive-race',
  probes: ['keepalive'],
  scheme: 'http',
  start: () => onLoopback(startShortKeepAlive(V4, 300) as Promise<FaultServer>),
};

/** fetch() twice over undici's pool, busy (a synchronous spin) past the server's idle close in between. */
const FETCH_KEEPALIVE_REUSE = `
const [url, idleMs] = process.argv.slice(1);
(async () => {
  await (await fetch(url)).text();
  await new Promise((r) => setImmediate(r));
  const busyUntil = Date.now() + Number(idleMs) + 700;
  while (Date.now() < busyUntil) { /* busy */ }
  const r = await fetch(url);
  await r.text();
  console.log('ok', r.status);
})().catch((e) => { console.error(e); process.exitCode = 1; });
`;

function keepAliveClient(id: string, source: string): ClientProgram {
  return { id, program: 'node', unavailable: () => null, run: (c) => runNodeClient(source, [c.url, '300'], { ...c.options, timeoutMs: 15000 }) };
}

/** Clients of the keep-alive race (their own scripts: two requests over one pooled connection). */
export const KEEPALIVE_CLIENTS: readonly ClientProgram[] = [keepAliveClient('node-http-agent', KEEPALIVE_REUSE), keepAliveClient('node-fetch-pool', FETCH_KEEPALIVE_REUSE)];

/** One scenario: a client against a fault. */
export interface Scenario {
  id: string;
  client: ClientProgram;
  fault: Fault;
}

/** Every scenario of the table, in order. */
export function scenarios(): Scenario[] {
  const out: Scenario[] = [];
  for (const row of TABLE) for (const fault of row.faults) out.push({ id: `${row.client.id} × ${fault.id}`, client: row.client, fault });
  for (const client of KEEPALIVE_CLIENTS) out.push({ id: `${client.id} × ${KEEPALIVE_FAULT.id}`, client, fault: KEEPALIVE_FAULT });
  return out;
}

/**
 * Scenarios where the expected cause does not rank first today, with why. The suite asserts each
 * still misses (a fixed one must leave the list) and prints them with the figure.
 */
export const KNOWN_MISSES: Readonly<Record<string, string>> = {
  'redis-cli × http-on-port':
    'no detection rule for redis-cli\'s `Error: Protocol error, got "H" as reply type byte`: without an incident nothing names Redis (no program, scheme or conventional port), so the service probe does not run and the port looks healthy',
  'redis-cli × auth-required':
    'no detection rule for redis-cli\'s `NOAUTH Authentication required.` (printed with exit 0): without an incident the service probe does not know the port is Redis, so the port looks healthy',
  'ssh × auth-refused':
    'no detection rule for ssh\'s `user@host: Permission denied (...)`: without an incident the service probe does not know the port is SSH, so the port looks healthy',
};
