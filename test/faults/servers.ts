/**
 * Real servers that misbehave on purpose, on loopback only, for the probe tests and the
 * fault-injection suite. Each returns `{host, port, close()}`; close() destroys every socket
 * the server holds so no test leaks a handle.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, createServer, isIP } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { KeyCert } from './certs';

/** A running fault server. */
export interface FaultServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Loopback addresses only: these servers must never listen anywhere else. */
export type LoopbackHost = '127.0.0.1' | '::1' | string;

function assertLoopback(host: string): void {
  const ok = host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
  if (!ok) throw new Error(`fault servers listen on loopback only, not ${host}`);
}

function track(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

function listen(server: Server, host: string, port = 0, backlog?: number): Promise<number> {
  assertLoopback(host);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, ...(backlog !== undefined ? { backlog } : {}) }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closer(server: Server, sockets: Set<Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      if ('closeAllConnections' in server) (server as HttpServer).closeAllConnections();
      server.close(() => resolve());
    });
}

async function netServer(host: string, onSocket: (s: Socket) => void): Promise<FaultServer> {
  const server = createServer(onSocket);
  const sockets = track(server);
  const port = await listen(server, host);
  return { host, port, close: closer(server, sockets) };
}

/** A port nothing listens on (bound, then closed): connects get RST / ECONNREFUSED. */
export async function refusingPort(host: LoopbackHost = '127.0.0.1'): Promise<FaultServer> {
  const server = createServer();
  const port = await listen(server, host);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { host, port, close: async () => undefined };
}

/** Accepts, then resets at once (RST): fail2ban / connection-limit style. */
export function resettingServer(host: LoopbackHost = '127.0.0.1'): Promise<FaultServer> {
  return netServer(host, (s) => s.resetAndDestroy());
}

/** Accepts, then closes gracefully at once (FIN) without a byte. */
export function closingServer(host: LoopbackHost = '127.0.0.1'): Promise<FaultServer> {
  return netServer(host, (s) => s.end());
}

/** Accepts and never answers (reads and ignores everything): a stuck server. */
export function silentServer(host: LoopbackHost = '127.0.0.1'): Promise<FaultServer> {
  return netServer(host, (s) => s.resume());
}

/** Sends a banner first, like SSH or SMTP. */
export function bannerServer(banner = 'SSH-2.0-OpenSSH_9.6\r\n', host: LoopbackHost = '127.0.0.1'): Promise<FaultServer> {
  return netServer(host, (s) => {
    s.write(banner);
    s.resume();
  });
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function httpLike(server: HttpServer, host: string): Promise<FaultServer> {
  // Node's default clientError handler answers 400 Bad Request, as real servers do to a TLS ClientHello.
  const sockets = track(server);
  const port = await listen(server, host);
  return { host, port, close: closer(server, sockets) };
}

/** Options of the HTTP fault servers. */
export interface HttpOptions {
  host?: LoopbackHost;
  /** Node's server.keepAliveTimeout (it advertises Keep-Alive: timeout=floor(ms/1000)). */
  keepAliveTimeoutMs?: number;
  handler?: Handler;
}

const okHandler: Handler = (_req, res) => {
  res.setHeader('content-type', 'text/plain');
  res.end('ok\n');
};

/** A healthy HTTP server (200 "ok"), or one with the given handler. */
export function httpServer(opts: HttpOptions = {}): Promise<FaultServer> {
  const server = createHttpServer(opts.handler ?? okHandler);
  if (opts.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = opts.keepAliveTimeoutMs;
  return httpLike(server, opts.host ?? '127.0.0.1');
}

/** Answers after `delayMs` (a read timeout on the client side when it is long). */
export function slowHttpServer(delayMs: number, host: LoopbackHost = '127.0.0.1'): Promise<FaultServer> {
  return httpServer({
    host,
    handler: (_req, res) => {
      const t = setTimeout(() => res.end('late\n'), delayMs);
      res.on('close', () => clearTimeout(t));
    },
  });
}

/** Reads the request and hangs up: before any response ('before-response') or after headers and half a body ('mid-body'). */
export function closeMidResponseServer(mode: 'before-response' | 'mid-body' = 'mid-body', host: LoopbackHost = '127.0.0.1'): Promise<FaultServer> {
  return httpServer({
    host,
    handler: (req, res) => {
      if (mode === 'before-response') {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-length': '1000', 'content-type': 'text/plain' });
      res.write('x'.repeat(100), () => setTimeout(() => req.socket.destroy(), 20));
    },
  });
}

/** A keep-alive HTTP server that closes idle connections after `keepAliveTimeoutMs`. */
export function keepAliveServer(keepAliveTimeoutMs: number, host: LoopbackHost = '127.0.0.1'): Promise<FaultServer> {
  return httpServer({ host, keepAliveTimeoutMs });
}

/** An HTTP server that always answers 503 with Retry-After (an overloaded backend). */
export function overloadedHttpServer(host: LoopbackHost = '127.0.0.1'): Promise<FaultServer> {
  return httpServer({ host, handler: (_req, res) => { res.writeHead(503, { 'retry-after': '5' }); res.end('busy\n'); } });
}

/** An HTTPS server with the given key and certificate (200 "ok"). */
export function tlsServer(keyCert: KeyCert, opts: HttpOptions = {}): Promise<FaultServer> {
  const server = createHttpsServer({ key: keyCert.key, cert: keyCert.cert }, opts.handler ?? okHandler);
  server.on('tlsClientError', (_err, socket) => socket.destroy());
  if (opts.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = opts.keepAliveTimeoutMs;
  return httpLike(server, opts.host ?? '127.0.0.1');
}

/** A fault server that can also fill its accept queue. */
export interface QueueServer extends FaultServer {
  backlog: number;
  /** Opens connections until the kernel's accept queue is full (backlog + 1); they stay open until close(). */
  fill(): Promise<void>;
}

/**
 * A listener whose process never accepts: a child Node process listens with a tiny backlog and
 * then blocks its event loop (Atomics.wait), so handshakes pile up in the kernel's accept queue.
 */
export async function acceptQueueFullServer(backlog = 1, host: LoopbackHost = '127.0.0.1'): Promise<QueueServer> {
  assertLoopback(host);
  const script = `const s=require('net').createServer();s.listen({host:${JSON.stringify(host)},port:0,backlog:${backlog}},()=>{process.stdout.write(s.address().port+'\\n');Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0);});`;
  const child: ChildProcess = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`queue server exited (${code ?? 'signal'})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
  });
  child.removeAllListeners('exit');
  const clients: Socket[] = [];
  const fill = async (): Promise<void> => {
    for (let i = 0; i < backlog + 1; i++) {
      await new Promise<void>((resolve) => {
        const c = connect({ host, port });
        c.on('error', () => undefined);
        clients.push(c);
        c.once('connect', () => resolve());
        const t = setTimeout(resolve, 500);
        t.unref();
      });
    }
  };
  const close = async (): Promise<void> => {
    for (const c of clients) c.destroy();
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    }
  };
  return { host, port, backlog, fill, close };
}

/** A tiny HTTP CONNECT proxy (loopback targets only); `deny` answers 403 to every CONNECT. */
export interface ProxyServer extends FaultServer {
  /** The CONNECT request lines it received, e.g. "CONNECT 127.0.0.1:8443 HTTP/1.1". */
  requests: string[];
}

/** Starts a CONNECT proxy; it tunnels only to loopback addresses and answers 403 otherwise (or always with deny). */
export async function connectProxy(opts: { deny?: boolean; host?: LoopbackHost } = {}): Promise<ProxyServer> {
  const requests: string[] = [];
  const tunnels = new Set<Socket>();
  const server = createHttpServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    requests.push(`CONNECT ${req.url ?? ''} HTTP/${req.httpVersion}`);
    client.on('error', () => undefined);
    const url = req.url ?? '';
    const i = url.lastIndexOf(':');
    const host = url.slice(0, i).replace(/^\[|\]$/g, '');
    const port = Number(url.slice(i + 1));
    const loopback = host === '::1' || host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.'));
    if (opts.deny || !loopback || !Number.isInteger(port)) {
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream = connect({ host, port });
    tunnels.add(upstream);
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n'));
    upstream.on('close', () => tunnels.delete(upstream));
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
  });
  const base = await httpLike(server, opts.host ?? '127.0.0.1');
  return {
    ...base,
    requests,
    close: async () => {
      for (const t of tunnels) t.destroy();
      await base.close();
    },
  };
}

/**
 * A protocol fake: `greeting` is sent on accept (server-first protocols), then `answer` is called
 * with everything received so far after each chunk and may write replies (return true to stop listening).
 */
export function scriptedServer(opts: { greeting?: Buffer | string; answer?: (received: Buffer, socket: Socket) => boolean | void; host?: LoopbackHost }): Promise<FaultServer> {
  return netServer(opts.host ?? '127.0.0.1', (s) => {
    if (opts.greeting !== undefined) s.write(opts.greeting);
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      if (opts.answer?.(received, s) === true) s.off('data', onData);
    };
    s.on('data', onData);
  });
}

/** A TLS server (plain TLS sockets, no HTTP) that runs `onSecure` on each handshaken socket; a plaintext client gets TLS records or a close. */
export async function tlsSocketServer(keyCert: KeyCert, onSecure: (s: Socket) => void, host: LoopbackHost = '127.0.0.1'): Promise<FaultServer> {
  const { createServer: createTlsServer } = await import('node:tls');
  const server = createTlsServer({ key: keyCert.key, cert: keyCert.cert }, onSecure);
  server.on('tlsClientError', (_err, socket) => socket.destroy());
  const sockets = track(server as unknown as Server);
  const port = await listen(server as unknown as Server, host);
  return { host, port, close: closer(server as unknown as Server, sockets) };
}
