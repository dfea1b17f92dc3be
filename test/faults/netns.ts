/**
 * Network namespaces for the fault suite: uniquely named namespaces, veth pairs with
 * documentation addresses (198.51.100.0/24) and a per-namespace resolv.conf. Nothing here
 * touches the host's own network namespace: no address, route or rule is added outside the
 * namespaces this file creates, and every namespace is removed by `cleanupNamespaces()`,
 * which also runs on process exit and on SIGINT/SIGTERM.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Prefix of every namespace this suite creates (stale ones from killed runs are recognised by it). */
export const NETNS_PREFIX = 'cdf';

/** Documentation network used inside the namespaces (RFC 5737 TEST-NET-2); never routed anywhere real. */
export const DOC_NET = '198.51.100';

/** A locally administered MAC nobody has: frames sent to it are discarded by the peer. */
export const BLACKHOLE_MAC = '02:00:00:00:00:99';

const IP_CANDIDATES = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'];
const ETC_NETNS = '/etc/netns';

/** Path of the `ip` tool, or null when iproute2 is not installed. */
export function ipPath(): string | null {
  return IP_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** Why namespace scenarios cannot run here, or null when they can (root and iproute2 present). */
export function netnsUnavailableReason(): string | null {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'network namespaces need root (CI runs the suite as root)';
  if (ipPath() === null) return "the 'ip' tool (iproute2) is not installed";
  return null;
}

const created = new Set<string>();
let counter = 0;
let exitHooked = false;

function ip(): string {
  const p = ipPath();
  if (p === null) throw new Error("the 'ip' tool (iproute2) is not installed");
  return p;
}

/** Runs `ip ARGS...` (argument array, no shell) and rejects with its stderr on failure. */
export function runIp(args: readonly string[], timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(ip(), [...args], { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`ip ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

function deleteSync(name: string): void {
  try {
    execFileSync(ip(), ['netns', 'delete', name], { stdio: 'ignore', timeout: 5000 });
  } catch {
    // Already gone: nothing to clean.
  }
  rmSync(join(ETC_NETNS, name), { recursive: true, force: true });
  created.delete(name);
}

/** Removes every namespace this process created (synchronous, so it also works in an exit hook). */
export function cleanupNamespaces(): void {
  for (const name of [...created]) deleteSync(name);
}

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', cleanupNamespaces);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // Clean up, then die of the same signal (the handler is gone after `once`).
    process.once(signal, () => {
      cleanupNamespaces();
      process.kill(process.pid, signal);
    });
  }
}

/** Deletes namespaces left by suite runs whose process no longer exists (killed with SIGKILL). */
export async function removeStaleNamespaces(): Promise<void> {
  let listing: string;
  try {
    listing = await runIp(['netns', 'list']);
  } catch {
    return;
  }
  for (const line of listing.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = /^cdf-([0-9a-z]+)-[0-9a-z]+$/.exec(name);
    if (!m?.[1]) continue;
    const pid = parseInt(m[1], 36);
    if (pid === process.pid || isAlive(pid)) continue;
    deleteSync(name);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A namespace created by this suite. */
export interface Namespace {
  name: string;
  /** Deletes the namespace and its /etc/netns directory (idempotent). */
  remove(): void;
}

/** Options of a new namespace. */
export interface NamespaceOptions {
  /** Contents of the resolv.conf `ip netns exec` bind-mounts inside it, or none to keep the host's. */
  resolvConf?: string;
}

/** Creates a uniquely named namespace with `lo` up (and nothing else). */
export async function createNamespace(options: NamespaceOptions = {}): Promise<Namespace> {
  hookExit();
  // Names carry the pid so a later run can tell stale namespaces from live ones; short for veth names.
  const name = `${NETNS_PREFIX}-${process.pid.toString(36)}-${(counter++).toString(36)}`;
  if (options.resolvConf !== undefined) {
    mkdirSync(join(ETC_NETNS, name), { recursive: true });
    writeFileSync(join(ETC_NETNS, name, 'resolv.conf'), options.resolvConf);
  }
  created.add(name);
  try {
    await runIp(['netns', 'add', name]);
    await runIp(['-n', name, 'link', 'set', 'lo', 'up']);
  } catch (e) {
    deleteSync(name);
    throw e;
  }
  return { name, remove: () => deleteSync(name) };
}

/** One end of a veth pair, inside a namespace. */
export interface VethEnd {
  ns: string;
  dev: string;
  address: string;
}

/**
 * Links two namespaces with a veth pair: `a` gets DOC_NET.hostA/24 and `b` DOC_NET.hostB/24.
 * The pair lives only in those namespaces and dies with them.
 */
export async function linkNamespaces(a: Namespace, b: Namespace, hostA = 1, hostB = 2): Promise<{ a: VethEnd; b: VethEnd }> {
  // veth names are at most 15 characters; the namespace names are unique, so are these.
  const devA = `${a.name.slice(NETNS_PREFIX.length + 1)}a`.slice(-15);
  const devB = `${b.name.slice(NETNS_PREFIX.length + 1)}b`.slice(-15);
  const addrA = `${DOC_NET}.${hostA}`;
  const addrB = `${DOC_NET}.${hostB}`;
  // Create the pair directly inside the namespaces so it never exists in the host's namespace.
  await runIp(['-n', a.name, 'link', 'add', devA, 'type', 'veth', 'peer', 'name', devB, 'netns', b.name]);
  await runIp(['-n', a.name, 'addr', 'add', `${addrA}/24`, 'dev', devA]);
  await runIp(['-n', b.name, 'addr', 'add', `${addrB}/24`, 'dev', devB]);
  await runIp(['-n', a.name, 'link', 'set', devA, 'up']);
  await runIp(['-n', b.name, 'link', 'set', devB, 'up']);
  // The kernel reports carrier (operstate UP) through linkwatch, up to about a second later; until
  // then the interface is not RUNNING and os.networkInterfaces() inside the namespace omits it.
  await waitOperUp(a.name, devA);
  await waitOperUp(b.name, devB);
  return { a: { ns: a.name, dev: devA, address: addrA }, b: { ns: b.name, dev: devB, address: addrB } };
}

async function waitOperUp(ns: string, dev: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = await runIp(['-n', ns, '-o', 'link', 'show', 'dev', dev]);
    if (line.includes(' state UP ')) return;
    if (Date.now() > deadline) throw new Error(`${dev} in ${ns} did not come up: ${line.trim()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Makes `from` send every frame for `peerAddress` to a MAC nobody has: the peer's interface
 * discards them, so SYNs go unanswered (a silent drop without netem or a firewall).
 */
export async function blackholeNeighbour(from: VethEnd, peerAddress: string): Promise<void> {
  await runIp(['-n', from.ns, 'neigh', 'replace', peerAddress, 'dev', from.dev, 'lladdr', BLACKHOLE_MAC, 'nud', 'permanent']);
}

/** The argument vector that runs `file args...` inside a namespace (for execFile/spawn, never a shell). */
export function inNamespace(ns: string | null, file: string, args: readonly string[]): { file: string; args: string[] } {
  if (ns === null) return { file, args: [...args] };
  return { file: ip(), args: ['netns', 'exec', ns, file, ...args] };
}
