/**
 * listeners probe: who listens on this machine near the target port. Linux reads
 * /proc/net/tcp{,6} (with each listener's accept-queue length and backlog); other systems run
 * lsof / PowerShell / netstat through execFile with argument arrays (never a shell).
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { isIP } from 'node:net';
import { endianness } from 'node:os';
import type { ProbeResult, Target } from '../types';
import { hostPort, unbracket } from '../target/address';
import { budgetOf, guarded, result, since } from './budget';
import { resolvedFor } from './tcp';
import type { Address, Coverage, Family, Listener, ListenersData, ProbeContext } from './types';

/** Ports dev servers conventionally use, shown as "nearby" whatever the target port. */
export const CONVENTIONAL_PORTS: readonly number[] = [80, 443, 3000, 3001, 4000, 4200, 5000, 5173, 8000, 8080, 8081, 8443, 8888, 9000];

/** A parsed listener plus the socket inode (Linux), for the owner lookup. */
interface RawListener extends Listener {
  inode?: string;
}

function hexByteSwap(word: string, little: boolean): string {
  if (!little) return word;
  let out = '';
  for (let i = word.length - 2; i >= 0; i -= 2) out += word.slice(i, i + 2);
  return out;
}

/** Decodes a /proc/net/tcp{,6} address (hex, host byte order per 32-bit word); IPv4-mapped IPv6 becomes dotted IPv4. */
export function decodeProcAddress(hex: string, little: boolean = endianness() === 'LE'): string | null {
  if (hex.length === 8) {
    const be = hexByteSwap(hex, little);
    const bytes = [0, 2, 4, 6].map((i) => parseInt(be.slice(i, i + 2), 16));
    return bytes.some((b) => Number.isNaN(b)) ? null : bytes.join('.');
  }
  if (hex.length !== 32) return null;
  let be = '';
  for (let w = 0; w < 4; w++) be += hexByteSwap(hex.slice(w * 8, w * 8 + 8), little);
  const groups: string[] = [];
  for (let i = 0; i < 32; i += 4) groups.push(be.slice(i, i + 4).toLowerCase());
  if (groups.slice(0, 5).every((g) => g === '0000') && groups[5] === 'ffff') {
    const v4 = [be.slice(24, 26), be.slice(26, 28), be.slice(28, 30), be.slice(30, 32)].map((b) => parseInt(b, 16));
    return v4.join('.');
  }
  // Compress the longest run of zero groups, as inet_ntop does.
  const nums = groups.map((g) => parseInt(g, 16).toString(16));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (nums[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && nums[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  if (bestStart < 0) return nums.join(':');
  return `${nums.slice(0, bestStart).join(':')}::${nums.slice(bestStart + bestLen).join(':')}`;
}

/** Parses /proc/net/tcp or tcp6 text into its LISTEN (state 0A) sockets. */
export function parseProcNetTcp(text: string, family: Family, little?: boolean): RawListener[] {
  const out: RawListener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== '0A') continue;
    const [addrHex, portHex] = (f[1] ?? '').split(':');
    // tx_queue of a LISTEN socket is write_seq - snd_una (always 0), not the backlog: that comes from ss.
    const rxHex = (f[4] ?? '').split(':')[1];
    const address = decodeProcAddress(addrHex ?? '', little);
    const port = parseInt(portHex ?? '', 16);
    if (address === null || !Number.isInteger(port)) continue;
    const acceptQueue = parseInt(rxHex ?? '', 16);
    const l: RawListener = { address, port, family, acceptQueue: Number.isNaN(acceptQueue) ? null : acceptQueue, backlog: null, queueFull: false };
    if (f[9] && f[9] !== '0') l.inode = f[9];
    out.push(l);
  }
  return out;
}

/** Parses `ss -ltnH` into "address|port" → backlog (Send-Q of a listener is its backlog). */
export function parseSsBacklogs(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || f[0] !== 'LISTEN') continue;
    const backlog = Number(f[2]);
    const ap = splitAddrPort(f[3] ?? '');
    if (!ap || !Number.isInteger(backlog)) continue;
    const pct = ap.address.indexOf('%');
    const address = bare(pct >= 0 ? ap.address.slice(0, pct) : ap.address);
    for (const a of address === '*' ? ['0.0.0.0', '::'] : [address]) out.set(`${a}|${ap.port}`, backlog);
  }
  return out;
}

/** Splits "addr:port" / "[v6]:port" / "*:port" as printed by lsof and netstat. */
function splitAddrPort(text: string): { address: string; port: number } | null {
  const i = text.lastIndexOf(':');
  if (i <= 0) return null;
  const port = Number(text.slice(i + 1));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return null;
  return { address: unbracket(text.slice(0, i)), port };
}

/** Parses `lsof -nP -iTCP -sTCP:LISTEN -F pctn` output. */
export function parseLsof(text: string): Listener[] {
  const out: Listener[] = [];
  let pid: number | undefined;
  let cmd: string | undefined;
  let family: Family = 4;
  for (const line of text.split('\n')) {
    const tag = line[0];
    const value = line.slice(1).trim();
    if (tag === 'p') { pid = Number(value); cmd = undefined; }
    else if (tag === 'c') cmd = value;
    else if (tag === 't') family = value === 'IPv6' ? 6 : 4;
    else if (tag === 'n') {
      const ap = splitAddrPort(value);
      if (!ap) continue;
      const address = ap.address === '*' ? (family === 6 ? '::' : '0.0.0.0') : ap.address;
      const l: Listener = { address, port: ap.port, family, acceptQueue: null, backlog: null, queueFull: false };
      if (pid !== undefined && Number.isInteger(pid)) l.pid = pid;
      if (cmd) l.process = cmd;
      out.push(l);
    }
  }
  return out;
}

/** Parses PowerShell `Get-NetTCPConnection -State Listen | ConvertTo-Json` output. */
export function parseNetTcpJson(text: string): Listener[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const rows = Array.isArray(parsed) ? parsed : [parsed];
  const out: Listener[] = [];
  for (const row of rows) {
    if (typeof row !== 'object' || row === null) continue;
    const r = row as Record<string, unknown>;
    const address = typeof r.LocalAddress === 'string' ? r.LocalAddress : null;
    const port = typeof r.LocalPort === 'number' ? r.LocalPort : null;
    if (address === null || port === null) continue;
    const l: Listener = { address, port, family: isIP(address) === 6 ? 6 : 4, acceptQueue: null, backlog: null, queueFull: false };
    if (typeof r.OwningProcess === 'number') l.pid = r.OwningProcess;
    out.push(l);
  }
  return out;
}

/** Parses `netstat -ano -p TCP` (Windows) / `netstat -an` LISTEN(ING) rows. */
export function parseNetstat(text: string): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const state = f.findIndex((x) => x === 'LISTENING' || x === 'LISTEN');
    if (state < 0 || f.length < 3) continue;
    const local = f.find((x) => x.includes(':') || x.includes('.'));
    const ap = local ? splitAddrPort(local) : null;
    if (!ap) continue;
    const l: Listener = { address: ap.address === '*' ? '0.0.0.0' : ap.address, port: ap.port, family: isIP(ap.address) === 6 ? 6 : 4, acceptQueue: null, backlog: null, queueFull: false };
    const pid = Number(f[f.length - 1]);
    if (state === f.length - 2 && Number.isInteger(pid)) l.pid = pid;
    out.push(l);
  }
  return out;
}

function run(cmd: string, args: string[], timeoutMs: number, signal?: AbortSignal): Promise<string | null> {
  return new Promise((resolve) => {
    try {
      execFile(cmd, args, { timeout: Math.max(1, timeoutMs), maxBuffer: 8 * 1024 * 1024, windowsHide: true, ...(signal ? { signal } : {}) }, (err, stdout) => {
        resolve(err && !stdout ? null : stdout);
      });
    } catch {
      resolve(null);
    }
  });
}

async function readProc(): Promise<RawListener[] | null> {
  try {
    const v4 = await readFile('/proc/net/tcp', 'utf8');
    const v6 = await readFile('/proc/net/tcp6', 'utf8').catch(() => '');
    return [...parseProcNetTcp(v4, 4), ...parseProcNetTcp(v6, 6)];
  } catch {
    return null;
  }
}

/** Best effort, bounded: maps socket inodes to pid/command by scanning /proc/<pid>/fd (own processes only). */
async function ownersOf(list: RawListener[], until: number, signal?: AbortSignal): Promise<void> {
  const wanted = new Map<string, RawListener[]>();
  for (const l of list) if (l.inode) wanted.set(`socket:[${l.inode}]`, [...(wanted.get(`socket:[${l.inode}]`) ?? []), l]);
  if (wanted.size === 0) return;
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((p) => p.length > 0 && [...p].every((c) => c >= '0' && c <= '9'));
  } catch {
    return;
  }
  const stop = (): boolean => Date.now() > until || wanted.size === 0 || signal?.aborted === true;
  for (const pid of pids) {
    if (stop()) return;
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      if (stop()) return;
      const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const hits = wanted.get(link);
      if (!hits) continue;
      const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
      for (const l of hits) {
        l.pid = Number(pid);
        if (comm) l.process = comm;
      }
      wanted.delete(link);
    }
  }
}

async function table(timeoutMs: number, signal?: AbortSignal): Promise<{ source: ListenersData['source']; list: RawListener[] }> {
  if (process.platform === 'linux') {
    const list = await readProc();
    if (list) return { source: 'proc', list };
  }
  if (process.platform === 'win32') {
    const ps = await run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', 'Get-NetTCPConnection -State Listen | Select-Object LocalAddress,LocalPort,OwningProcess | ConvertTo-Json -Compress'], timeoutMs, signal);
    if (ps) return { source: 'powershell', list: parseNetTcpJson(ps) };
    const ns = await run('netstat', ['-ano', '-p', 'TCP'], timeoutMs, signal);
    return ns ? { source: 'netstat', list: parseNetstat(ns) } : { source: 'none', list: [] };
  }
  const lsof = await run('lsof', ['-nP', '-iTCP', '-sTCP:LISTEN', '-F', 'pctn'], timeoutMs, signal);
  if (lsof) return { source: 'lsof', list: parseLsof(lsof) };
  const ns = await run('netstat', ['-an', '-p', 'tcp'], timeoutMs, signal);
  return ns ? { source: 'netstat', list: parseNetstat(ns) } : { source: 'none', list: [] };
}

/** Fills backlog / queueFull from `ss` (netlink knows the backlog, /proc does not); best effort. */
async function backlogsFromSs(list: RawListener[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const text = await run('ss', ['-ltnH'], timeoutMs, signal);
  if (!text) return;
  const map = parseSsBacklogs(text);
  for (const l of list) {
    const b = map.get(`${bare(l.address)}|${l.port}`);
    if (b === undefined) continue;
    l.backlog = b;
    l.queueFull = l.acceptQueue !== null && l.acceptQueue > b;
  }
}

function bare(address: string): string {
  const a = address.split('%')[0]?.toLowerCase() ?? address;
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

/** Which listener on the port would take a connection to `a` (exact address, then wildcard). */
export function coverageOf(addresses: Address[], onPort: Listener[], v6only = false): Coverage[] {
  return addresses.map((a) => {
    const addr = bare(a.address);
    const exact = onPort.find((l) => bare(l.address) === addr);
    const wildcard = onPort.find((l) => (l.address === '0.0.0.0' && isIP(addr) === 4) || (l.address === '::' && (isIP(addr) === 6 || !v6only)));
    const by = exact ?? wildcard;
    return { address: a.address, family: a.family, covered: by !== undefined, by: by ? by.address : null };
  });
}

function strip(l: RawListener): Listener {
  const { inode: _inode, ...rest } = l;
  return rest;
}

function dedupe(list: Listener[]): Listener[] {
  const seen = new Set<string>();
  return list.filter((l) => {
    const k = `${l.family}|${l.address}|${l.port}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function describe(l: Listener): string {
  const where = hostPort(l.address, l.port);
  const q = l.acceptQueue !== null && l.backlog !== null ? ` queue ${l.acceptQueue}/${l.backlog}${l.queueFull ? ' FULL' : ''}` : '';
  return `${where}${l.process ? ` (${l.process}${l.pid ? ` ${l.pid}` : ''})` : ''}${q}`;
}

/** listeners probe: listeners on the target port (with accept queues on Linux), coverage of its addresses, nearby ports. */
export function listenersProbe(target: Target, ctx: ProbeContext): Promise<ProbeResult<ListenersData>> {
  const empty = (): ListenersData => ({ source: 'none', port: target.port, listeners: [], onTargetPort: false, nearby: [], coverage: [], total: 0 });
  return guarded('listeners', empty, async (started) => {
    const startedAt = Date.now();
    const [{ source, list }, resolved] = await Promise.all([table(budgetOf(ctx, startedAt), ctx.signal), resolvedFor(target, ctx)]);
    if (source === 'none') return result('listeners', 'skipped', since(started), 'no way to list listening sockets here', { ...empty(), reason: 'no listener table (no /proc, lsof, netstat or PowerShell)' });
    const onPort = list.filter((l) => l.port === target.port);
    const nearbyRaw = list.filter((l) => l.port !== target.port && (Math.abs(l.port - target.port) <= 10 || CONVENTIONAL_PORTS.includes(l.port)));
    if (source === 'proc' && onPort.length + nearbyRaw.length > 0) {
      const until = Math.min(Date.now() + 100, startedAt + budgetOf(ctx, startedAt));
      await Promise.all([ownersOf([...onPort, ...nearbyRaw], until, ctx.signal), backlogsFromSs([...onPort, ...nearbyRaw], Math.max(1, until - Date.now()), ctx.signal)]);
    }
    const v6only = source === 'proc' ? (await readFile('/proc/sys/net/ipv6/bindv6only', 'utf8').catch(() => '0')).trim() === '1' : false;
    const listeners = dedupe(onPort.map(strip));
    const nearby = dedupe(nearbyRaw.map(strip)).sort((a, b) => a.port - b.port).slice(0, 40);
    const coverage = coverageOf(resolved.addresses, listeners, v6only);
    const data: ListenersData = { source, port: target.port, listeners, onTargetPort: listeners.length > 0, nearby, coverage, total: list.length };
    const full = listeners.filter((l) => l.queueFull);
    const uncovered = coverage.filter((c) => !c.covered);
    let summary: string;
    if (listeners.length === 0) {
      summary = `nothing listens on port ${target.port}${nearby.length > 0 ? `; nearby: ${nearby.slice(0, 6).map(describe).join(', ')}` : ''}`;
    } else {
      summary = `port ${target.port}: ${listeners.map(describe).join(', ')}`;
      if (uncovered.length > 0) summary += `; not listening on ${uncovered.map((c) => c.address).join(', ')}`;
    }
    const ok = listeners.length > 0 && full.length === 0 && uncovered.length === 0;
    return result('listeners', ok ? 'ok' : 'fail', since(started), summary, data);
  });
}
