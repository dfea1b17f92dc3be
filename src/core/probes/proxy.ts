/**
 * proxy probe: which proxy a client would use for the target (environment variables in both
 * cases, NO_PROXY, VS Code's http.proxy), and whether that proxy answers and accepts a CONNECT.
 * Only the proxy is contacted; every URL reported has its credentials masked.
 */
import { connect } from 'node:net';
import type { ProbeResult, Target } from '../types';
import { maskSecrets } from '../diagnose/mask';
import { budgetOf, firstLine, guarded, result, since } from './budget';
import { tcpAttempt } from './connect';
import { hostPort, unbracket } from '../target/address';
import { PROXY_VARS } from '../target/proxyVars';
import { CONNECT_REPLY_CAP } from './limits';
import { proxyFor } from './proxyChoice';
import { defaultPort, SOCKS_PORT } from '../target/schemes';
import { probeStep } from './step';
import { isLocalHost } from './target';
import type { ProbeContext, ProxyData } from './types';

/** Host, port and basic credentials of a proxy URL (http://, https://, socks5://; bare host:port means http). */
export function parseProxyUrl(raw: string): { protocol: string; host: string; port: number; auth: string | null } | null {
  try {
    const u = new URL(raw.includes('://') ? raw : `http://${raw}`);
    const protocol = u.protocol.replace(':', '');
    const port = u.port ? Number(u.port) : protocol === 'http' || protocol === 'https' ? defaultPort(protocol) : /^socks(?:4a?|5h?)?$/.test(protocol) ? SOCKS_PORT : null;
    if (port === null || !u.hostname) return null;
    const auth = u.username ? `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}` : null;
    return { protocol, host: unbracket(u.hostname.toLowerCase()), port, auth };
  } catch {
    return null;
  }
}

/** Sends CONNECT host:port to an HTTP proxy and reads its status line; never throws. */
function connectThrough(proxy: { host: string; port: number; auth: string | null }, target: Target, timeoutMs: number, signal?: AbortSignal): Promise<{ status: number | null; line?: string }> {
  return probeStep<{ status: number | null; line?: string }>({ timeoutMs, signal }, (step) => {
    const socket = connect({ host: proxy.host, port: proxy.port, autoSelectFamily: true });
    const noAnswer = (): { status: null } => ({ status: null });
    socket.on('error', () => step.finish(noAnswer()));
    socket.once('connect', () => {
      const hp = hostPort(target.host, target.port);
      const auth = proxy.auth ? `Proxy-Authorization: Basic ${Buffer.from(proxy.auth).toString('base64')}\r\n` : '';
      socket.write(`CONNECT ${hp} HTTP/1.1\r\nHost: ${hp}\r\nUser-Agent: connection-doctor\r\n${auth}\r\n`);
    });
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]).subarray(0, CONNECT_REPLY_CAP);
      if (buf.indexOf(0x0a) < 0 && buf.length < CONNECT_REPLY_CAP) return;
      const line = firstLine(buf);
      const status = line.startsWith('HTTP/') ? Number(line.split(' ')[1]) : NaN;
      step.finish({ status: Number.isInteger(status) ? status : null, line });
    });
    socket.once('end', () => step.finish(noAnswer()));
    return { timeout: noAnswer, abort: noAnswer, cleanup: () => socket.destroy() };
  });
}

/** proxy probe: the proxy settings that apply to the target (masked) and whether that proxy answers. */
export function proxyProbe(target: Target, ctx: ProbeContext): Promise<ProbeResult<ProxyData>> {
  const empty = (): ProxyData => ({ env: {}, vscodeProxy: null, scheme: target.scheme ?? 'http', proxyForTarget: null, source: null, bypassedBy: null, localThroughProxy: false, proxyAnswers: null });
  return guarded('proxy', empty, async (started) => {
    const startedAt = Date.now();
    const data = empty();
    for (const name of PROXY_VARS) {
      const v = ctx.env[name];
      if (v !== undefined && v.trim() !== '') data.env[name] = maskSecrets(v.trim());
    }
    data.vscodeProxy = ctx.vscodeProxy ? maskSecrets(ctx.vscodeProxy) : null;
    const chosen = proxyFor(target, ctx.env, ctx.vscodeProxy);
    data.scheme = chosen.scheme;
    data.proxyForTarget = chosen.proxyForTarget;
    data.source = chosen.source;
    data.bypassedBy = chosen.bypassedBy;
    if (!chosen.raw) {
      const why = chosen.bypassedBy ? `exempted by NO_PROXY entry "${chosen.bypassedBy}"` : Object.keys(data.env).length > 0 || data.vscodeProxy ? `no proxy variable applies to ${chosen.scheme}` : 'no proxy configured';
      return result('proxy', 'ok', since(started), `direct connection: ${why}`, data);
    }
    data.localThroughProxy = isLocalHost(target.host);
    const proxy = parseProxyUrl(chosen.raw);
    if (!proxy) return result('proxy', 'fail', since(started), `proxy ${chosen.proxyForTarget ?? ''} (${chosen.source ?? ''}) is not a valid URL`, data, { code: 'EINVALIDPROXY', message: 'invalid proxy URL' });
    const tcp = await tcpAttempt({ host: proxy.host }, proxy.port, { timeoutMs: budgetOf(ctx, startedAt), signal: ctx.signal });
    data.proxyAnswers = { host: proxy.host, port: proxy.port, outcome: tcp.outcome, ms: tcp.ms, connectStatus: null, ...(tcp.code ? { code: tcp.code } : {}) };
    if (tcp.outcome === 'accepted' && proxy.protocol === 'http') {
      const c = await connectThrough(proxy, target, budgetOf(ctx, startedAt), ctx.signal);
      data.proxyAnswers.connectStatus = c.status;
      if (c.line !== undefined) data.proxyAnswers.connectLine = c.line;
    }
    const where = `${chosen.proxyForTarget ?? ''} (from ${chosen.source ?? '?'})`;
    const answers = data.proxyAnswers;
    const connectOk = answers.connectStatus === null ? proxy.protocol !== 'http' : answers.connectStatus >= 200 && answers.connectStatus < 300;
    const ok = answers.outcome === 'accepted' && connectOk && !data.localThroughProxy;
    let summary = `via proxy ${where}: ${answers.outcome}${answers.code && answers.outcome !== 'accepted' ? ` (${answers.code})` : ''}`;
    if (answers.connectLine) summary += `; CONNECT → ${answers.connectLine}`;
    else if (answers.outcome === 'accepted' && proxy.protocol === 'http') summary += '; no answer to CONNECT';
    if (data.localThroughProxy) summary += `; ${target.host} is this machine but would go through the proxy (add it to NO_PROXY)`;
    return result('proxy', ok ? 'ok' : 'fail', since(started), summary, data, ok ? undefined : { code: answers.code ?? (answers.connectStatus !== null ? `PROXY_${answers.connectStatus}` : 'EPROXY'), message: summary });
  });
}
