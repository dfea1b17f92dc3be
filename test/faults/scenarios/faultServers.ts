/**
 * The few servers the scenarios need that test/faults/servers.ts (shared with the probe tests)
 * does not offer: a healthy HTTP server on a chosen port with Node's default handling of garbage
 * (a 400 answer, which a TLS client reports as "wrong version number"), a keep-alive server that
 * closes idle connections without announcing it, and a flapping server. In-process on loopback;
 * close() destroys every socket they hold.
 */
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { Server, Socket } from 'node:net';

/** A running fault server. */
export interface FaultServer {
  host: string;
  port: number;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

function track(server: Server, host: string, port: number): Promise<FaultServer> {
  const sockets = new Set<Socket>();
  let count = 0;
  server.on('connection', (s: Socket) => {
    count++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.once('close', () => sockets.delete(s));
  });
  // A failed TLS handshake must not crash the suite (HTTP servers keep Node's default clientError
  // handling: a 400 answer to garbage, which is what a TLS client sees on a plain port).
  server.on('tlsClientError', () => undefined);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      const address = server.address();
      const actual = typeof address === 'object' && address !== null ? address.port : port;
      resolve({
        host,
        port: actual,
        connections: () => count,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

function ok(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('ok\n');
}

/**
 * A healthy HTTP server on a chosen port (the service on a neighbouring port). It keeps Node's
 * default clientError handling, so a TLS ClientHello gets "HTTP/1.1 400 Bad Request" back.
 */
export function startHttpOk(host: string, port = 0): Promise<FaultServer> {
  return track(createHttpServer(ok), host, port);
}

/**
 * Keeps connections alive but closes them after `idleMs` idle, without announcing it (no
 * `Keep-Alive: timeout=` hint, as behind proxies that strip it): clients that reuse a socket
 * they think is still open hit the idle-close race.
 */
export function startShortKeepAlive(host: string, idleMs: number, port = 0): Promise<FaultServer> {
  const server = createHttpServer((_req, res) => {
    // An explicit Connection header makes Node omit its Keep-Alive hint.
    res.writeHead(200, { 'content-type': 'text/plain', connection: 'keep-alive' });
    res.end('ok\n');
  });
  // Node's own keepAliveTimeout closes later than asked (about +1 s here); an idle timer on the
  // socket closes exactly after idleMs without traffic (the server's timeout handler destroys it).
  server.keepAliveTimeout = 0;
  server.on('connection', (s: Socket) => s.setTimeout(idleMs));
  return track(server, host, port);
}

/** Alternates: one connection served with 200, the next reset at once, and so on (flapping). */
export function startAlternating(host: string, port = 0): Promise<FaultServer> {
  const http = createHttpServer(ok);
  let n = 0;
  const server = createNetServer((s) => {
    if (n++ % 2 === 1) {
      s.resetAndDestroy();
      return;
    }
    http.emit('connection', s);
  });
  return track(server, host, port);
}
