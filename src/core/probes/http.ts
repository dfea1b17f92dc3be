/**
 * http probe: one GET on a fresh connection (no agent pool, redirects not followed), timed
 * like curl's -w (dns, connect, tls, first byte, total, each from the start), with the
 * headers that explain connection handling and whether the server hung up mid-response.
 */
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import type { ProbeResult, Target } from '../types';
import { budgetOf, errorInfo, guarded, result, since } from './budget';
import { urlHost } from '../target/address';
import { HTTP_SCHEMES } from '../target/schemes';
import { BODY_CAP } from './limits';
import { probeStep } from './step';
import type { CloseKind, ErrorInfo, HttpData, HttpStage, ProbeContext } from './types';

/** The http(s) URL for a target (ws→http, wss→https), or null when the target is not HTTP. */
export function httpUrlOf(target: Target): URL | null {
  if (target.scheme === null || !HTTP_SCHEMES.has(target.scheme)) return null;
  const scheme = target.scheme === 'wss' || target.scheme === 'https' ? 'https' : 'http';
  const host = urlHost(target.host);
  let path = '/';
  if (target.url) {
    try {
      const u = new URL(target.url);
      path = `${u.pathname}${u.search}`;
    } catch {
      path = '/';
    }
  }
  try {
    return new URL(`${scheme}://${host}:${target.port}${path}`);
  } catch {
    return null;
  }
}

/** Seconds of `Keep-Alive: timeout=N` as milliseconds, or null. */
export function keepAliveTimeoutMs(header: string | null): number | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const [k, v] = part.split('=').map((s) => s.trim().toLowerCase());
    if (k === 'timeout' && v !== undefined && v !== '' && /^\d{1,6}$/.test(v)) return Number(v) * 1000;
  }
  return null;
}

/** Options of one HTTP exchange. */
export interface ExchangeOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  tlsCa?: string[];
}

/** Result of one exchange: the probe data and the error, if any. */
export interface Exchange {
  data: HttpData;
  error: ErrorInfo | null;
}

function header(res: IncomingMessage, name: string): string | null {
  const v = res.headers[name];
  return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
}

function emptyData(url: string): HttpData {
  return {
    url, status: null, statusMessage: null, httpVersion: null,
    timings: { dns: null, connect: null, tls: null, firstByte: null, total: 0 },
    headers: { connection: null, keepAlive: null, server: null, via: null, retryAfter: null, location: null, contentType: null, contentLength: null },
    keepAliveTimeoutMs: null, bodyBytes: 0, complete: false, closedMidResponse: false, closeKind: null, failedAt: null, remoteAddress: null,
  };
}

/** One GET on a fresh connection; never throws, never outlives timeoutMs. */
export function exchange(url: URL, opts: ExchangeOptions): Promise<Exchange> {
  const t0 = performance.now();
  const data = emptyData(url.href);
  const secure = url.protocol === 'https:';
  const isLiteral = isIP(url.hostname.replace(/^\[|\]$/g, '').split('%')[0] ?? '') !== 0;
  let requestSent = false;
  const stageOf = (): HttpStage => {
    if (data.status !== null) return 'body';
    if (!isLiteral && data.timings.dns === null) return 'dns';
    if (data.timings.connect === null) return 'connect';
    if (secure && data.timings.tls === null) return 'tls';
    return requestSent ? 'response' : 'request';
  };
  const ended = (error: ErrorInfo | null): Exchange => {
    data.timings.total = since(t0);
    if (error) data.failedAt = stageOf();
    return { data, error };
  };
  // The deadline counts from before the request is built: building it can take tens of ms on a
  // loaded machine, and the probe must time out before runProbes' wall cuts it (losing its data).
  return probeStep<Exchange>(opts, (step) => {
    let socketRef: Socket | null = null;
    // What the socket itself saw: the peer's RST (ECONNRESET/EPIPE) or its FIN ('end').
    let sawClose: CloseKind | null = null;
    const closeKindOf = (err: unknown): CloseKind | null => {
      if (sawClose) return sawClose;
      if (!(err instanceof Error)) return null;
      // Node's http client says "socket hang up" (code ECONNRESET, no syscall) for a FIN before the response.
      return (err as NodeJS.ErrnoException).syscall === undefined && err.message === 'socket hang up' ? 'eof' : 'reset';
    };
    const finish = (error: ErrorInfo | null): void => step.finish(ended(error));
    const options = {
      method: 'GET',
      agent: false as const,
      headers: { 'user-agent': 'connection-doctor', accept: '*/*', connection: 'keep-alive' },
      autoSelectFamily: true,
      ...(secure ? { rejectUnauthorized: false, ...(opts.tlsCa && opts.tlsCa.length > 0 ? { ca: opts.tlsCa } : {}) } : {}),
    };
    const req = secure ? httpsRequest(url, options) : httpRequest(url, options);
    req.on('socket', (socket: Socket) => {
      socketRef = socket;
      // Prepended: the client's own handlers turn these events into request errors, and must find the kind known.
      socket.prependListener('error', (err: NodeJS.ErrnoException) => {
        if (sawClose === null && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) sawClose = 'reset';
      });
      socket.prependOnceListener('end', () => {
        if (sawClose === null) sawClose = 'eof';
      });
      socket.once('lookup', () => { data.timings.dns = since(t0); });
      socket.once('connect', () => {
        data.timings.connect = since(t0);
        data.remoteAddress = socket.remoteAddress ?? null;
      });
      socket.once('secureConnect', () => { data.timings.tls = since(t0); });
    });
    req.on('finish', () => { requestSent = true; });
    req.on('error', (err) => {
      // Ending the step destroys the request, which emits its own "socket hang up": not the server's doing.
      if (step.done) return;
      const info = errorInfo(err);
      if (info.code === 'ECONNRESET' || info.code === 'EPIPE') {
        // Only an accepted connection can be reset. Before our request was written (a reset racing
        // the connect) it is no mid-response close, but it still was an RST or a FIN.
        if (requestSent && data.timings.connect !== null) data.closedMidResponse = true;
        data.closeKind = closeKindOf(err);
      }
      finish(info);
    });
    req.on('response', (res: IncomingMessage) => {
      data.timings.firstByte = since(t0);
      data.status = res.statusCode ?? null;
      data.statusMessage = res.statusMessage ?? null;
      data.httpVersion = res.httpVersion;
      data.headers = {
        connection: header(res, 'connection'), keepAlive: header(res, 'keep-alive'), server: header(res, 'server'),
        via: header(res, 'via'), retryAfter: header(res, 'retry-after'), location: header(res, 'location'),
        contentType: header(res, 'content-type'), contentLength: header(res, 'content-length'),
      };
      data.keepAliveTimeoutMs = keepAliveTimeoutMs(data.headers.keepAlive);
      res.on('data', (chunk: Buffer) => {
        data.bodyBytes += chunk.length;
        if (data.bodyBytes >= BODY_CAP) finish(null);
      });
      res.on('end', () => {
        data.complete = true;
        finish(null);
      });
      res.on('aborted', () => {
        if (step.done) return;
        data.closedMidResponse = true;
        data.closeKind = closeKindOf(undefined);
        finish({ code: 'ECONNRESET', message: 'the server closed the connection before the response ended' });
      });
      res.on('error', (err) => {
        if (step.done) return;
        data.closedMidResponse = true;
        data.closeKind = closeKindOf(err);
        finish(errorInfo(err));
      });
    });
    req.end();
    return {
      timeout: () => {
        const stage = stageOf();
        return ended({ code: 'ETIMEDOUT', message: `no ${stage === 'response' ? 'response' : stage === 'body' ? 'end of body' : stage} within ${Math.round(opts.timeoutMs)} ms` });
      },
      abort: () => ended({ code: 'ABORTED', message: 'aborted' }),
      cleanup: () => {
        req.destroy();
        socketRef?.destroy();
      },
    };
  });
}

function summarise(d: HttpData, error: ErrorInfo | null): string {
  const t = d.timings;
  const timing = `connect ${t.connect ?? '-'} ms${t.tls !== null ? `, tls ${t.tls} ms` : ''}, first byte ${t.firstByte ?? '-'} ms, total ${t.total} ms`;
  if (d.status !== null && !error) {
    const extra = [d.headers.connection ? `Connection: ${d.headers.connection}` : '', d.headers.keepAlive ? `Keep-Alive: ${d.headers.keepAlive}` : '', d.headers.retryAfter ? `Retry-After: ${d.headers.retryAfter}` : ''].filter((s) => s).join(', ');
    return `HTTP ${d.status} ${d.statusMessage ?? ''}`.trim() + ` (${timing})${extra ? `; ${extra}` : ''}`;
  }
  if (d.closedMidResponse) {
    // A FIN after the request means the server read it and hung up; an RST before any response may come from a server that rejects the connection itself.
    const how = d.closeKind === 'eof' ? 'closed the connection (FIN)' : 'reset the connection (RST)';
    const when = d.status === null ? (d.closeKind === 'eof' ? 'after reading the request, before any response' : 'after the request was sent, before any response') : 'in the middle of the response';
    return `the server ${how} ${when} (${error?.code ?? 'closed'}${d.closeKind === 'eof' && error?.message ? `: ${error.message}` : ''}; ${timing})`;
  }
  const how = d.closeKind === 'reset' ? ' — reset by the server (RST)' : d.closeKind === 'eof' ? ' — closed by the server (FIN)' : '';
  return `failed at ${d.failedAt ?? '?'}: ${error?.code ?? '?'} ${error?.message ?? ''}${how} (${timing})`;
}

/** http probe: a GET on a fresh connection; status, timings, diagnosis headers, mid-response close. */
export function httpProbe(target: Target, ctx: ProbeContext): Promise<ProbeResult<HttpData>> {
  const url = httpUrlOf(target);
  return guarded('http', () => emptyData(url?.href ?? ''), async (started) => {
    if (!url) return result('http', 'skipped', 0, `not an HTTP target (${target.scheme ?? 'no scheme'})`, { ...emptyData(''), reason: 'not an HTTP target' });
    const { data, error } = await exchange(url, { timeoutMs: budgetOf(ctx), signal: ctx.signal, tlsCa: ctx.tlsCa });
    const ok = !error && data.status !== null && data.status < 500;
    const summary = summarise(data, error);
    if (error?.code === 'ABORTED') return result('http', 'skipped', since(started), 'aborted', { ...data, reason: 'aborted' }, error);
    return result('http', ok ? 'ok' : 'fail', since(started), summary, data, error ?? (ok ? undefined : { code: `HTTP_${data.status ?? 0}`, message: summary }));
  });
}
