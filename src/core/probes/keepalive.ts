/**
 * keepalive probe: the idle-close race. One keep-alive connection, a first GET, an idle wait,
 * then a second GET on the same connection; reports whether the server closed the idle
 * connection (and after how long) and whether the reuse worked.
 *
 * Budget choice: the probe never idles past the shared deadline. When the server advertises
 * `Keep-Alive: timeout=N` and N s + 2.1 s fits in the budget left (see PAST_ADVERTISED_MS), it idles that long, ending early the
 * moment the server closes. Otherwise it watches for at most SHORT_WATCH_MS (catching servers or
 * proxies that close sooner than they say) and reports `reachedAdvertised: false`, with the
 * timeout that would be needed to test it in the summary.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { ProbeResult, Target } from '../types';
import { budgetOf, delay, errorInfo, guarded, result, since } from './budget';
import { httpUrlOf, keepAliveTimeoutMs } from './http';
import { PAST_ADVERTISED_MS, REUSE_RESERVE_MS, SHORT_WATCH_MS } from './limits';
import { probeStep } from './step';
import type { ErrorInfo, KeepaliveData, ProbeContext } from './types';

/** Keeps an idle socket in the pool whatever the server's Keep-Alive hint (Node's agent would drop or time it out first). */
function holdIdleSocket(socket: Socket): boolean {
  socket.setKeepAlive(true, 1000);
  socket.unref();
  socket.setTimeout(0);
  return true;
}
class KeepAgent extends HttpAgent {
  override keepSocketAlive(socket: Socket): boolean {
    return holdIdleSocket(socket);
  }
}
class KeepTlsAgent extends HttpsAgent {
  override keepSocketAlive(socket: Socket): boolean {
    return holdIdleSocket(socket);
  }
}

interface Reply {
  res: IncomingMessage | null;
  socket: Socket | null;
  reused: boolean;
  error: ErrorInfo | null;
}

function get(url: URL, agent: HttpAgent, timeoutMs: number, signal?: AbortSignal): Promise<Reply> {
  return probeStep<Reply>({ timeoutMs, signal }, (step) => {
    let socket: Socket | null = null;
    const options = { method: 'GET', agent, headers: { 'user-agent': 'connection-doctor', accept: '*/*', connection: 'keep-alive' }, autoSelectFamily: true };
    const req: ClientRequest = url.protocol === 'https:' ? httpsRequest(url, options) : httpRequest(url, options);
    const reply = (res: IncomingMessage | null, error: ErrorInfo | null): Reply => ({ res, socket, reused: req.reusedSocket, error });
    const finish = (res: IncomingMessage | null, error: ErrorInfo | null): void => step.finish(reply(res, error));
    req.on('socket', (s: Socket) => {
      socket = s;
    });
    req.on('error', (err) => finish(null, errorInfo(err)));
    req.on('response', (res: IncomingMessage) => {
      res.on('error', (err) => finish(null, errorInfo(err)));
      res.on('aborted', () => finish(null, { code: 'ECONNRESET', message: 'response cut' }));
      res.on('end', () => finish(res, null));
      res.resume();
    });
    req.end();
    return {
      timeout: () => reply(null, { code: 'ETIMEDOUT', message: `no complete response within ${Math.round(timeoutMs)} ms` }),
      abort: () => reply(null, { code: 'ABORTED', message: 'aborted' }),
      // A good answer leaves its socket in the agent's pool for the reuse.
      cleanup: (r) => {
        if (r.error) req.destroy();
      },
    };
  });
}

function emptyData(): KeepaliveData {
  return { serverKeepAliveTimeoutMs: null, serverRefusesKeepAlive: false, idleMs: 0, reachedAdvertised: false, closedByServer: false, closedAfterMs: null, reusedOk: false, reuseError: null, closeKind: null, budgetMs: 0 };
}

/** keepalive probe: idles a keep-alive connection just past the server's advertised timeout (within budget) and reuses it. */
export function keepaliveProbe(target: Target, ctx: ProbeContext): Promise<ProbeResult<KeepaliveData>> {
  const url = httpUrlOf(target);
  return guarded('keepalive', emptyData, async (started) => {
    if (!url) return result('keepalive', 'skipped', 0, `not an HTTP target (${target.scheme ?? 'no scheme'})`, { ...emptyData(), reason: 'not an HTTP target' });
    const startedAt = Date.now();
    const agentOptions = { keepAlive: true, maxSockets: 1, maxFreeSockets: 1 };
    const agent = url.protocol === 'https:' ? new KeepTlsAgent({ ...agentOptions, rejectUnauthorized: false }) : new KeepAgent(agentOptions);
    const data = emptyData();
    try {
      const first = await get(url, agent, budgetOf(ctx, startedAt), ctx.signal);
      if (!first.res || !first.socket) {
        const reason = `no first response (${first.error?.code ?? 'none'}): the http probe reports why`;
        return result('keepalive', 'skipped', since(started), reason, { ...data, reason }, first.error ?? undefined);
      }
      const kaHeader = first.res.headers['keep-alive'];
      data.serverKeepAliveTimeoutMs = keepAliveTimeoutMs(typeof kaHeader === 'string' ? kaHeader : null);
      const conn = first.res.headers.connection;
      data.serverRefusesKeepAlive = typeof conn === 'string' && conn.toLowerCase().includes('close');
      if (data.serverRefusesKeepAlive) {
        return result('keepalive', 'ok', since(started), 'the server closes after each response (Connection: close): no reuse, no idle race', data);
      }
      // Watch the idle socket: the server's FIN/RST ends the wait early.
      const idleStart = performance.now();
      const closed = new AbortController();
      const socket = first.socket;
      const onClose = (): void => {
        if (data.closedAfterMs === null) data.closedAfterMs = since(idleStart);
        data.closedByServer = true;
        closed.abort();
      };
      // A FIN shows as 'end'; an RST as an ECONNRESET 'error' before 'close'.
      const onEnd = (): void => {
        data.closeKind ??= 'eof';
        onClose();
      };
      const onError = (err: NodeJS.ErrnoException): void => {
        if (err.code === 'ECONNRESET' || err.code === 'EPIPE') data.closeKind ??= 'reset';
      };
      if (socket.destroyed) onClose();
      socket.on('error', onError);
      socket.once('close', onClose);
      socket.once('end', onEnd);
      const remaining = budgetOf(ctx, startedAt);
      const reserve = Math.min(REUSE_RESERVE_MS, remaining / 4);
      const available = Math.max(0, remaining - reserve);
      data.budgetMs = Math.round(available);
      const advertised = data.serverKeepAliveTimeoutMs;
      const wanted = advertised !== null ? advertised + PAST_ADVERTISED_MS : null;
      const idle = wanted !== null && wanted <= available ? wanted : Math.min(available, SHORT_WATCH_MS);
      const both = AbortSignal.any([closed.signal, ...(ctx.signal ? [ctx.signal] : [])]);
      await delay(idle, both);
      socket.off('close', onClose);
      socket.off('end', onEnd);
      socket.off('error', onError);
      data.idleMs = since(idleStart);
      data.reachedAdvertised = advertised !== null && (data.closedByServer || data.idleMs >= advertised);
      if (ctx.signal?.aborted) return result('keepalive', 'skipped', since(started), 'aborted', { ...data, reason: 'aborted' }, { code: 'ABORTED', message: 'aborted' });
      const second = await get(url, agent, Math.max(1, budgetOf(ctx, startedAt)), ctx.signal);
      data.reusedOk = second.res !== null && second.reused;
      if (second.error) {
        data.reuseError = second.error;
        // Reset on a reused socket: the server closed it as we wrote (the race itself).
        if (second.reused && (second.error.code === 'ECONNRESET' || second.error.code === 'EPIPE')) {
          data.closedByServer = true;
          // Node says "socket hang up" for a FIN, "read ECONNRESET" / "write EPIPE" for an RST.
          data.closeKind ??= second.error.message === 'socket hang up' ? 'eof' : 'reset';
        }
      }
      const adv = advertised !== null ? `advertised timeout=${advertised / 1000}s` : 'no Keep-Alive timeout advertised';
      if (data.closedByServer) {
        const after = `${data.closedAfterMs !== null ? `after ${Math.round(data.closedAfterMs)} ms idle` : 'as the reuse was sent'}${data.closeKind ? ` (${data.closeKind === 'reset' ? 'RST' : 'FIN'})` : ''}`;
        return result('keepalive', 'fail', since(started), `the server closed the idle keep-alive connection ${after} (${adv}); a client that reuses idle sockets longer gets ECONNRESET / socket hang up`, data, data.reuseError ?? { code: 'ECONNRESET', message: 'idle connection closed by the server' });
      }
      if (data.reusedOk) {
        const note = data.reachedAdvertised || advertised === null ? '' : `; not idled past it: needs a timeout of at least ${Math.ceil((advertised + PAST_ADVERTISED_MS + REUSE_RESERVE_MS) / 1000)} s`;
        return result('keepalive', 'ok', since(started), `connection reused after ${Math.round(data.idleMs)} ms idle (${adv})${note}`, data);
      }
      return result('keepalive', 'fail', since(started), `reuse after ${Math.round(data.idleMs)} ms idle failed: ${data.reuseError?.code ?? 'a new connection was used'}`, data, data.reuseError ?? undefined);
    } finally {
      agent.destroy();
    }
  });
}
