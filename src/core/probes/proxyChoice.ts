/**
 * Which proxy a client uses for a target: the scheme's variable (lower case first), then
 * ALL_PROXY, then VS Code's http.proxy, unless NO_PROXY exempts it. The one resolver: the
 * proxy probe reports it and the diagnosis panel shows it. Node's net only (no sockets), so
 * the host can call it without bundling the probe.
 */
import { BlockList, isIP } from 'node:net';
import { maskSecrets } from '../diagnose/mask';
import { unbracket } from '../target/address';
import { TLS_PORTS } from '../target/schemes';
import type { Target } from '../types';
import type { ProxyData } from './types';

function envValue(env: NodeJS.ProcessEnv, lower: string): { name: string; value: string } | null {
  for (const name of [lower, lower.toUpperCase()]) {
    const v = env[name];
    if (v !== undefined && v.trim() !== '') return { name, value: v.trim() };
  }
  return null;
}

function bareHost(host: string): string {
  return unbracket(host.toLowerCase());
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
  return { scheme, proxyForTarget: maskSecrets(found.value), source: found.name, bypassedBy: null, raw: found.value };
}
