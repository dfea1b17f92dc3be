/**
 * resolve probe: the system resolver (dns.lookup, which reads the hosts file) and DNS itself
 * (resolve4/resolve6 through c-ares, which does not) side by side, so a hosts-file override,
 * a missing name and a failing resolver each show as what they are.
 */
import { lookup, Resolver } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { ProbeResult, Target } from '../types';
import { isLocalhostName } from '../target/address';
import { systemLookup } from './systemLookup';
import { budgetOf, errorInfo, guarded, result, since, timeoutSignal } from './budget';
import type { Address, DnsAnswer, DnsError, DnsErrorKind, Family, LookupAnswer, ProbeContext, ResolveData } from './types';

/** What a resolver error code means. */
export function dnsErrorKind(code: string): DnsErrorKind {
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_NONAME':
      return 'nxdomain';
    case 'ENODATA':
    case 'EAI_NODATA':
      return 'nodata';
    case 'EAI_AGAIN':
      return 'tempfail';
    case 'ESERVFAIL':
    case 'EAI_FAIL':
      return 'servfail';
    case 'EREFUSED':
    case 'ECONNREFUSED':
      return 'refused';
    case 'ETIMEOUT':
    case 'ETIMEDOUT':
      return 'timeout';
    case 'ABORTED':
    case 'ECANCELLED':
      return 'aborted';
    default:
      return 'other';
  }
}

function dnsError(err: unknown): DnsError {
  const info = errorInfo(err);
  return { ...info, kind: dnsErrorKind(info.code) };
}

/** Resolves when the signal aborts, with the matching error; the race partner of calls that cannot be cancelled. */
function whenAborted(signal: AbortSignal, timedOut: () => boolean): Promise<never> {
  return new Promise((_resolve, reject) => {
    const fire = (): void => {
      const code = timedOut() ? 'ETIMEDOUT' : 'ABORTED';
      reject(Object.assign(new Error(code === 'ETIMEDOUT' ? 'no answer before the timeout' : 'aborted'), { code }));
    };
    if (signal.aborted) fire();
    else signal.addEventListener('abort', fire, { once: true });
  });
}

/** Path of the hosts file on this OS. */
export function hostsFilePath(): string {
  return process.platform === 'win32' ? join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'drivers', 'etc', 'hosts') : '/etc/hosts';
}

/** Addresses the hosts file text gives `host` (case-insensitive), in file order. */
export function hostsFileAddresses(text: string, host: string): string[] {
  const wanted = host.toLowerCase();
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const hash = raw.indexOf('#');
    const tokens = (hash >= 0 ? raw.slice(0, hash) : raw).split(/[ \t\r]+/).filter((t) => t.length > 0);
    const [address, ...names] = tokens;
    if (address && isIP(address.split('%')[0] ?? '') && names.some((n) => n.toLowerCase() === wanted) && !out.includes(address)) {
      out.push(address);
    }
  }
  return out;
}

async function readHostsFile(host: string): Promise<ResolveData['hostsFile']> {
  const path = hostsFilePath();
  try {
    const text = (await readFile(path, 'utf8')).slice(0, 1_000_000);
    const addresses = hostsFileAddresses(text, host);
    return addresses.length > 0 ? { path, addresses } : null;
  } catch {
    return null;
  }
}


function literalData(host: string, family: Family): ResolveData {
  return {
    host, ipLiteral: true, lookup: null, dns4: null, dns6: null, hostsFile: null, hostsFileOverride: false,
    disagree: false, addresses: [{ address: host, family }], firstFamily: family, failure: null,
  };
}

function emptyData(host: string): ResolveData {
  return {
    host, ipLiteral: false, lookup: null, dns4: null, dns6: null, hostsFile: null, hostsFileOverride: false,
    disagree: false, addresses: [], firstFamily: null, failure: null,
  };
}

async function timedLookup(host: string, signal: AbortSignal, timedOut: () => boolean): Promise<LookupAnswer> {
  const t0 = performance.now();
  try {
    // localhost names are answered by the hosts file in-process; any other name may meet a silent
    // resolver, which only a child process can be stopped from waiting for (systemLookup.ts).
    const call = isLocalhostName(host) ? lookup(host, { all: true, verbatim: true }) : systemLookup(host, signal);
    const list = await Promise.race([call, whenAborted(signal, timedOut)]);
    const addresses: Address[] = [];
    for (const a of list) {
      if ((a.family === 4 || a.family === 6) && !addresses.some((b) => b.address === a.address)) addresses.push({ address: a.address, family: a.family });
    }
    return { addresses, ms: since(t0) };
  } catch (err) {
    return { addresses: [], ms: since(t0), error: dnsError(err) };
  }
}

async function timedResolve(resolver: Resolver, rrtype: 'A' | 'AAAA', host: string, signal: AbortSignal, timedOut: () => boolean): Promise<DnsAnswer> {
  const t0 = performance.now();
  try {
    const call = rrtype === 'A' ? resolver.resolve4(host) : resolver.resolve6(host);
    const addresses = await Promise.race([call, whenAborted(signal, timedOut)]);
    return { addresses, ms: since(t0) };
  } catch (err) {
    return { addresses: [], ms: since(t0), error: dnsError(err) };
  }
}

/** Sets `disagree` and `hostsFileOverride` by comparing the system resolver with DNS and the hosts file. */
export function compareAnswers(data: ResolveData): void {
  const lookupSet = new Set((data.lookup?.addresses ?? []).map((a) => a.address));
  const dnsAnswers = [data.dns4, data.dns6].filter((d): d is DnsAnswer => d !== null);
  if (dnsAnswers.length === 0) return;
  const dnsSet = new Set(dnsAnswers.flatMap((d) => d.addresses));
  const dnsFailed = dnsAnswers.every((d) => d.error && d.error.kind !== 'nodata');
  const lookupOk = lookupSet.size > 0;
  const overlap = [...lookupSet].some((a) => dnsSet.has(a));
  data.disagree = lookupOk !== (dnsSet.size > 0) || (lookupOk && dnsSet.size > 0 && !overlap) || (lookupOk && dnsFailed);
  const hosts = data.hostsFile?.addresses ?? [];
  const fromHosts = hosts.some((a) => lookupSet.has(a));
  data.hostsFileOverride = fromHosts && (dnsSet.size === 0 || !hosts.some((a) => dnsSet.has(a)));
}

function summarise(data: ResolveData): string {
  if (data.addresses.length > 0) {
    const list = data.addresses.map((a) => a.address).join(', ');
    const notes: string[] = [];
    if (data.hostsFileOverride) notes.push(`hosts file overrides DNS (${data.hostsFile?.path ?? 'hosts'})`);
    else if (data.disagree) notes.push('system resolver and DNS disagree');
    return `${data.host} → ${list}${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`;
  }
  const err = data.lookup?.error;
  const meaning: Record<DnsErrorKind, string> = {
    nxdomain: 'the name does not exist',
    nodata: 'the name has no address record',
    tempfail: 'the resolver could not get an answer (temporary failure)',
    servfail: 'the DNS server failed',
    refused: 'the DNS server refused or could not be reached',
    timeout: 'no answer from the resolver in time',
    aborted: 'aborted',
    other: 'resolution failed',
  };
  return `${data.host}: ${err ? `${meaning[err.kind]} (${err.code})` : 'no address'}`;
}

/** resolve probe: lookup (hosts file + OS) and DNS A/AAAA separately; IP literals skip resolution. */
export function resolveProbe(target: Target, ctx: ProbeContext): Promise<ProbeResult<ResolveData>> {
  return guarded('resolve', () => emptyData(target.host), async (started) => {
    const host = target.host;
    const literal = isIP(host.split('%')[0] ?? host);
    if (literal === 4 || literal === 6) {
      return result('resolve', 'ok', since(started), `${host} is an IP address: no resolution needed`, literalData(host, literal));
    }
    const budget = budgetOf(ctx);
    const stop = timeoutSignal(budget, ctx.signal);
    const data = emptyData(host);
    try {
      const skipDns = isLocalhostName(host);
      const resolver = new Resolver({ timeout: Math.max(1, Math.min(budget, 5000)), tries: 1 });
      stop.signal.addEventListener('abort', () => resolver.cancel(), { once: true });
      const [lk, d4, d6, hosts] = await Promise.all([
        timedLookup(host, stop.signal, stop.timedOut),
        skipDns ? Promise.resolve(null) : timedResolve(resolver, 'A', host, stop.signal, stop.timedOut),
        skipDns ? Promise.resolve(null) : timedResolve(resolver, 'AAAA', host, stop.signal, stop.timedOut),
        readHostsFile(host),
      ]);
      data.lookup = lk;
      data.dns4 = d4;
      data.dns6 = d6;
      data.hostsFile = hosts;
      data.addresses = lk.addresses;
      data.firstFamily = lk.addresses[0]?.family ?? null;
      data.failure = lk.addresses.length > 0 ? null : (lk.error?.kind ?? 'nodata');
      compareAnswers(data);
    } finally {
      stop.dispose();
    }
    const err = data.lookup?.error;
    const ok = data.addresses.length > 0;
    return result('resolve', ok ? 'ok' : 'fail', since(started), summarise(data), data, ok ? undefined : { code: err?.code ?? 'ENODATA', message: err?.message ?? 'no address' });
  });
}
