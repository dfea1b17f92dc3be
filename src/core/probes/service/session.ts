/**
 * One conversation with a service over TCP or TLS, on the probe step helper: the script writes
 * and reads; the step's deadline and the caller's abort end it, and what had arrived by then is
 * still reported. Reads are bounded (SERVICE_READ_CAP) and never throw.
 */
import { connect as netConnect } from 'node:net';
import type { LookupFunction, Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { errorInfo, since } from '../budget';
import { SERVICE_READ_CAP } from '../limits';
import { probeStep } from '../step';
import type { ErrorInfo } from '../types';

/** How a conversation's connection ended: the peer's FIN or RST, another socket error, or not at all. */
export type SessionEnd = 'eof' | 'reset' | 'error';

/** What a script can do with the connection. */
export interface Session {
  write(data: Buffer | string): void;
  /** Resolves with the bytes received so far once `enough` holds for them, the connection ends, or `waitMs` passes. */
  read(enough: (bytes: Buffer) => boolean, waitMs?: number): Promise<Buffer>;
  /** Everything received so far (capped). */
  readonly received: Buffer;
  readonly ended: SessionEnd | null;
  /** The negotiated ALPN protocol and TLS version, on a TLS session. */
  readonly alpn: string | null;
  readonly tlsProtocol: string | null;
}

/** Where to connect, and whether the conversation starts with a TLS handshake. */
export interface Endpoint {
  host: string;
  port: number;
  lookup?: LookupFunction;
  tls?: { servername: string | null; alpn?: string[] };
}

/** How a conversation went: the connection, how it stopped, and the script's value when it finished. */
export interface Conversation<T> {
  /** TCP accepted (and, with TLS, the handshake completed). */
  connected: boolean;
  /** TCP accepted, whatever happened to the TLS handshake afterwards. */
  tcpAccepted: boolean;
  connectMs: number | null;
  /** The connect failed (ECONNREFUSED ...), or with TLS, the handshake failed (tlsError). */
  connectError: ErrorInfo | null;
  tlsError: ErrorInfo | null;
  /** The script's answer; null when the deadline or the abort came first. */
  value: T | null;
  stopped: 'timeout' | 'aborted' | null;
  received: Buffer;
  ended: SessionEnd | null;
  /** From the accept (or the handshake) to the end of the conversation. */
  talkedMs: number | null;
}

/** Runs `script` on a fresh connection within timeoutMs; never throws, never outlives the deadline. */
export function converse<T>(endpoint: Endpoint, opts: { timeoutMs: number; signal?: AbortSignal }, script: (session: Session) => Promise<T>): Promise<Conversation<T>> {
  const t0 = performance.now();
  return probeStep<Conversation<T>>(opts, (step) => {
    let received = Buffer.alloc(0);
    let ended: SessionEnd | null = null;
    let tcpAccepted = false;
    let connected = false;
    let connectMs: number | null = null;
    let readyAt: number | null = null;
    let connectError: ErrorInfo | null = null;
    let tlsError: ErrorInfo | null = null;
    const waits = new Set<{ enough: (b: Buffer) => boolean; resolve: (b: Buffer) => void; timer?: NodeJS.Timeout }>();
    const socket: Socket | TLSSocket = endpoint.tls
      ? tlsConnect({
          host: endpoint.host,
          port: endpoint.port,
          lookup: endpoint.lookup,
          rejectUnauthorized: false,
          checkServerIdentity: () => undefined,
          ...(endpoint.tls.servername ? { servername: endpoint.tls.servername } : {}),
          ...(endpoint.tls.alpn ? { ALPNProtocols: endpoint.tls.alpn } : {}),
        })
      : netConnect({ host: endpoint.host, port: endpoint.port, lookup: endpoint.lookup, autoSelectFamily: true });
    const wake = (): void => {
      for (const w of [...waits]) {
        if (ended !== null || w.enough(received)) {
          if (w.timer) clearTimeout(w.timer);
          waits.delete(w);
          w.resolve(received);
        }
      }
    };
    const state = (value: T | null, stopped: Conversation<T>['stopped']): Conversation<T> => ({
      connected, tcpAccepted, connectMs, connectError, tlsError, value, stopped, received, ended,
      talkedMs: readyAt !== null ? since(readyAt) : null,
    });
    const session: Session = {
      write: (data) => {
        if (ended === null && !socket.destroyed) socket.write(data);
      },
      read: (enough, waitMs) =>
        new Promise<Buffer>((resolve) => {
          if (ended !== null || enough(received)) return resolve(received);
          const w: { enough: (b: Buffer) => boolean; resolve: (b: Buffer) => void; timer?: NodeJS.Timeout } = { enough, resolve };
          if (waitMs !== undefined) {
            w.timer = setTimeout(() => {
              waits.delete(w);
              resolve(received);
            }, Math.max(0, waitMs));
            w.timer.unref();
          }
          waits.add(w);
        }),
      get received() {
        return received;
      },
      get ended() {
        return ended;
      },
      get alpn() {
        const a = (socket as TLSSocket).alpnProtocol;
        return typeof a === 'string' ? a : null;
      },
      get tlsProtocol() {
        return endpoint.tls ? ((socket as TLSSocket).getProtocol?.() ?? null) : null;
      },
    };
    const ready = (): void => {
      connected = true;
      readyAt = performance.now();
      script(session).then(
        (value) => step.finish(state(value, null)),
        (err: unknown) => {
          connectError ??= errorInfo(err);
          step.finish(state(null, null));
        },
      );
    };
    socket.once('connect', () => {
      tcpAccepted = true;
      connectMs = since(t0);
      if (!endpoint.tls) ready();
    });
    if (endpoint.tls) socket.once('secureConnect', ready);
    socket.on('data', (chunk: Buffer) => {
      if (received.length < SERVICE_READ_CAP) received = Buffer.concat([received, chunk]).subarray(0, SERVICE_READ_CAP);
      wake();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const info = errorInfo(err);
      if (!connected) {
        // ECONNRESET means the handshake completed (a closed port answers ECONNREFUSED), even when the RST overtakes 'connect'.
        if (!tcpAccepted && info.code !== 'ECONNRESET') connectError = info;
        else {
          tcpAccepted = true;
          if (endpoint.tls) tlsError = info;
          else ended = 'reset';
        }
        step.finish(state(null, null));
        return;
      }
      ended ??= info.code === 'ECONNRESET' || info.code === 'EPIPE' ? 'reset' : 'error';
      wake();
    });
    socket.once('end', () => {
      ended ??= 'eof';
      wake();
    });
    socket.once('close', () => {
      ended ??= 'eof';
      wake();
      // A TLS socket closed before its handshake: the server hung up on the ClientHello.
      if (endpoint.tls && !connected) {
        tlsError ??= { code: 'ECONNRESET', message: 'the server closed the connection during the TLS handshake' };
        step.finish(state(null, null));
      }
    });
    return {
      timeout: () => state(null, 'timeout'),
      abort: () => state(null, 'aborted'),
      cleanup: () => {
        for (const w of waits) if (w.timer) clearTimeout(w.timer);
        waits.clear();
        socket.destroy();
      },
    };
  });
}

/** A test for `read`: the bytes hold a full line (LF). */
export const hasLine = (b: Buffer): boolean => b.includes(0x0a);
/** A test for `read`: at least n bytes arrived. */
export const atLeast = (n: number) => (b: Buffer): boolean => b.length >= n;
