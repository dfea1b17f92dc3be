/**
 * proxy probe: which proxy a client would use for the target (environment variables in both
 * cases, NO_PROXY, VS Code's http.proxy), and whether that proxy answers and accepts a CONNECT.
 * Only the proxy is contacted; every URL reported has its credentials masked.
 */
import { BlockList, isIP } from 'node:net';
import { connect } from 'node:net';
import type { ProbeResult, Target } from '../types';
import { budgetOf, firstLine, guarded, result, since } from './budget';
import { tcpAttempt } from './connect';
import { hostPort } from '../target/address';
import { PROXY_VARS } from '../target/proxyVars';
import { TLS_PORTS } from '../target/schemes';
import { CONNECT_REPLY_CAP } from './limits';
import { probeStep } from './step';
import { isLocalHost } from './target';
import type { ProbeContext, ProxyData } from './types';

/** Masks the password (or a lone token) of a URL-ish string: scheme://user:***@host. */
export function maskCredentials(value: string): string {
  const sep = value.indexOf('://');
  const start = sep >= 0 ? sep + 3 : 0;
  const end = [value.indexOf('/', start), value.indexOf('?', start), value.indexOf('#', start)].filter((i) => i >= 0).reduce((a, b) => Math.min(a, b), value.length);
  const authority = value.slice(start, end);
  const at = authority.lastIndexOf('@');
  if (at < 0) return value;
  const userinfo = authority.slice(0, at);
  const colon = userinfo.indexOf(':');
  const masked = colon >= 0 ? `${userinfo.slice(0, colon)}:***` : '***';
  return `${value.slice(0, start)}${masked}@${authority.slice(at + 1)}${value.slice(end)}`;
}

function envValue(env: NodeJS.ProcessEnv, lower: string): { name: string; value: string } | null {
  for (const name of [lower, lower.toUpperCase()]) {
    const v = env[name];
    if (v !== undefined && v.trim() !== '') return { name, value: v.trim() };
  }
  return null;
}

function bareHost(host: string): string {
  const h = host.toLowerCase();
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/** The NO_PROXY entry that exempts host:port, or null. Supports *, suffixes (.x, *.x, x), host:port, IPs and CIDR. */
export function noProxyMatch(noProxy: string, host: string, port: number): string | null {
  const h = bareHost(host).split('%')[0] ?? '';
  const hostIsIp = isIP(h);
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return raw.trim();
    let name = entry;
    let entryPort: number | null = null;
    const slash = name.indexOf('/');
    if (slash < 0) {
      const lastColon = name.lastIndexOf(':');
      const closing = name.lastIndexOf(']');
      if (lastColon > closing && (name.startsWith('[') || name.indexOf(':') === lastColon)) {
        const p = Number(name.slice(lastColon + 1));
        if (Number.isInteger(p) && p > 0) {
          entryPort = p;
          name = name.slice(0, lastColon);
        }
      }
    }
    if (entryPort !== null && entryPort !== port) continue;
    name = bareHost(name);
    if (slash >= 0 && hostIsIp) {
      const [net, bitsText] = name.split('/');
      const bits = Number(bitsText);
      const type = isIP(net ?? '');
      if (type !== 0 && type === hostIsIp && Number.isInteger(bits)) {
        try {
          const list = new BlockList();
          list.addSubnet(net ?? '', bits, type === 6 ? 'ipv6' : 'ipv4');
          if (list.check(h, type === 6 ? 'ipv6' : 'ipv4')) return raw.trim();
        } catch {
          // an invalid prefix length matches nothing
        }
      }
      continue;
    }
    if (isIP(name)) {
      if (name === h) return raw.trim();
      continue;
    }
    const suffix = name.startsWith('*.') ? name.slice(2) : name.startsWith('.') ? name.slice(1) : name;
    if (suffix !== '' && (h === suffix || h.endsWith(`.${suffix}`))) return raw.trim();
  }
  return null;
}

/** The proxy URL a client would use for the target and where it came from. */
export function proxyFor(target: Target, env: NodeJS.ProcessEnv, vscodeProxy: string | null | undefined): Pick<ProxyData, 'scheme' | 'proxyForTarget' | 'source' | 'bypassedBy'> & { raw: string | null } {
  const s = target.scheme;
  const scheme = s === null ? (TLS_PORTS.has(target.port) ? 'https' : 'http') : s === 'wss' ? 'https' : s === 'ws' ? 'http' : s;
  const noProxy = envValue(env, 'no_proxy');
  const bypassedBy = noProxy ? noProxyMatch(noProxy.value, target.host, target.port) : null;
  let found: { name: string; value: string } | null = null;
  if (scheme === 'http' || scheme === 'https') found = envValue(env, `${scheme}_proxy`) ?? envValue(env, 'all_proxy');
  else found = envValue(env, 'all_proxy');
  if (!found && vscodeProxy && (scheme === 'http' || scheme === 'https')) found = { name: 'vscode', value: vscodeProxy };
  if (!found) return { scheme, proxyForTarget: null, source: null, bypassedBy: null, raw: null };
  if (bypassedBy) return { scheme, proxyForTarget: null, source: found.name, bypassedBy, raw: null };
  return { scheme, proxyForTarget: maskCredentials(found.value), source: found.name, bypassedBy: null, raw: found.value };
}

/** Host, port and basic credentials of a proxy URL (http://, https://, socks5://; bare host:port means http). */
export function parseProxyUrl(raw: string): { protocol: string; host: string; port: number; auth: string | null } | null {
  try {
    const u = new URL(raw.includes('://') ? raw : `http://${raw}`);
    const protocol = u.protocol.replace(':', '');
    const defaults: Record<string, number> = { http: 80, https: 443, socks: 1080, socks4: 1080, socks4a: 1080, socks5: 1080, socks5h: 1080 };
    const port = u.port ? Number(u.port) : defaults[protocol];
    if (port === undefined || !u.hostname) return null;
    const auth = u.username ? `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}` : null;
    return { protocol, host: bareHost(u.hostname), port, auth };
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
      if (v !== undefined && v.trim() !== '') data.env[name] = maskCredentials(v.trim());
    }
    data.vscodeProxy = ctx.vscodeProxy ? maskCredentials(ctx.vscodeProxy) : null;
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
