/**
 * Real servers of the protocols the service probe speaks, started privately for a test run:
 * loopback only, a free port each, data in a temp directory, stopped by `stop()`.
 * PostgreSQL (initdb/pg_ctl), MariaDB (mariadbd with --skip-grant-tables), Redis (redis-server
 * without persistence) and OpenSSH (sshd -D with a temp host key). Running as root (CI), the
 * servers that refuse root run as their Debian system user.
 * A missing binary fails the test in CI (CI=true) and skips it locally, with the reason.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A running real server. */
export interface RealServer {
  port: number;
  /** Its data / config directory. */
  dir: string;
  stop(): Promise<void>;
}

/** Where Debian's PostgreSQL 15 binaries are. */
export const PG_BIN = '/usr/lib/postgresql/15/bin';

/** Fails (CI) or skips (locally) a test whose server binary is missing; call in a before hook with its `this`. */
export function requireBinary(ctx: Mocha.Context, path: string, pkg: string): void {
  if (existsSync(path)) return;
  const why = `${path} is missing: install the Debian package ${pkg} (.ci/run installs it)`;
  if (process.env.CI === 'true') throw new Error(why);
  console.warn(`skipped: ${why}`);
  ctx.skip();
}

/** A free loopback port (bound once, then closed). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once something accepts on 127.0.0.1:port, or rejects after `ms`. */
export async function waitForPort(port: number, ms = 20_000, child?: ChildProcess): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (child && child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode} before listening on ${port}`);
    if (Date.now() > until) throw new Error(`nothing listens on 127.0.0.1:${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const isRoot = (): boolean => userInfo().uid === 0;

/** A temp directory the given system user owns (as root), else ours. */
function ownedDir(prefix: string, user: string | null): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (user && isRoot()) {
    const { uid, gid } = systemUser(user);
    chownSync(dir, uid, gid);
  }
  return dir;
}

function systemUser(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no system user ${name}`);
  const parts = line.split(':');
  return { uid: Number(parts[2]), gid: Number(parts[3]) };
}

function chownTree(dir: string, user: string): void {
  const { uid, gid } = systemUser(user);
  chownSync(dir, uid, gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, user);
    else chownSync(p, uid, gid);
  }
}

/** Runs a command as `user` when we are root (runuser), else as ourselves. */
function asUser(user: string, cmd: string, args: string[]): [string, string[]] {
  return isRoot() ? ['/usr/sbin/runuser', ['-u', user, '--', cmd, ...args]] : [cmd, args];
}

let pgTemplate: Promise<string> | null = null;

/** One initdb per process (it takes seconds); each server copies it. */
function pgTemplateDir(): Promise<string> {
  pgTemplate ??= (async () => {
    const dir = ownedDir('cd-pg-template-', 'postgres');
    const data = join(dir, 'data');
    const pw = join(dir, 'pw');
    writeFileSync(pw, 'probe-test-password\n');
    if (isRoot()) chownTree(dir, 'postgres');
    const [cmd, args] = asUser('postgres', join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--pwfile', pw, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-sync']);
    await run(cmd, args, { timeout: 60_000 });
    return data;
  })();
  return pgTemplate;
}

/** Options of a PostgreSQL server. */
export interface PgOptions {
  /** ssl=on with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /** pg_hba.conf allows TCP clients only over TLS (hostssl). */
  tlsOnly?: boolean;
}

/** A private PostgreSQL 15 on 127.0.0.1. */
export async function startPostgres(opts: PgOptions = {}): Promise<RealServer> {
  const template = await pgTemplateDir();
  const dir = ownedDir('cd-pg-', 'postgres');
  const data = join(dir, 'data');
  cpSync(template, data, { recursive: true });
  const port = await freePort();
  const conf = [`port = ${port}`, "listen_addresses = '127.0.0.1'", `unix_socket_directories = '${dir}'`, 'fsync = off', 'max_connections = 20'];
  if (opts.tls) {
    writeFileSync(join(data, 'server.key'), opts.tls.key);
    writeFileSync(join(data, 'server.crt'), opts.tls.cert);
    chmodSync(join(data, 'server.key'), 0o600);
    conf.push('ssl = on');
  }
  writeFileSync(join(data, 'postgresql.auto.conf'), `${conf.join('\n')}\n`);
  const hba = ['local all all trust', `${opts.tlsOnly ? 'hostssl' : 'host'} all all 127.0.0.1/32 scram-sha-256`];
  writeFileSync(join(data, 'pg_hba.conf'), `${hba.join('\n')}\n`);
  chmodSync(data, 0o700);
  if (isRoot()) chownTree(dir, 'postgres');
  const log = join(dir, 'log');
  const [cmd, args] = asUser('postgres', join(PG_BIN, 'pg_ctl'), ['-D', data, '-l', log, '-w', '-t', '30', 'start']);
  await run(cmd, args, { timeout: 40_000 });
  return {
    port,
    dir,
    stop: async () => {
      const [c, a] = asUser('postgres', join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      await run(c, a, { timeout: 20_000 }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function spawned(cmd: string, args: string[], dir: string, port: number, extraStop?: () => void): Promise<RealServer> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    if (stderr.length < 8192) stderr += c.toString();
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    extraStop?.();
    rmSync(dir, { recursive: true, force: true });
  };
  return waitForPort(port, 30_000, child).then(
    () => ({ port, dir, stop }),
    async (err: Error) => {
      await stop();
      throw new Error(`${err.message}\n${cmd} said: ${stderr.slice(0, 2000)}`);
    },
  );
}

/** A private MariaDB on 127.0.0.1 (no grant tables: the greeting is what is tested). */
export async function startMariadb(): Promise<RealServer> {
  const dir = ownedDir('cd-mariadb-', 'mysql');
  const data = join(dir, 'data');
  const [icmd, iargs] = asUser('mysql', '/usr/bin/mariadb-install-db', ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', '--skip-name-resolve']);
  await run(icmd, iargs, { timeout: 120_000 });
  const port = await freePort();
  const args = ['--no-defaults', `--datadir=${data}`, `--port=${port}`, '--bind-address=127.0.0.1', `--socket=${join(dir, 'sock')}`, `--pid-file=${join(dir, 'pid')}`, '--skip-name-resolve', '--skip-log-bin', '--innodb-buffer-pool-size=16M'];
  const [cmd, a] = asUser('mysql', '/usr/sbin/mariadbd', args);
  return spawned(cmd, a, dir, port);
}

/** A private Redis on 127.0.0.1 without persistence; with `password`, clients must AUTH. */
export async function startRedis(opts: { password?: string } = {}): Promise<RealServer> {
  const dir = mkdtempSync(join(tmpdir(), 'cd-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...(opts.password ? ['--requirepass', opts.password] : [])];
  return spawned('/usr/bin/redis-server', args, dir, port);
}

/** A private OpenSSH server on 127.0.0.1 with a temp host key (nobody can log in: only the banner is tested). */
export async function startSshd(): Promise<RealServer> {
  const dir = mkdtempSync(join(tmpdir(), 'cd-sshd-'));
  chmodSync(dir, 0o755);
  const key = join(dir, 'host_ed25519');
  await run('/usr/bin/ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key], { timeout: 20_000 });
  const port = await freePort();
  const cfg = join(dir, 'sshd_config');
  writeFileSync(cfg, [`Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${key}`, `PidFile ${join(dir, 'pid')}`, 'UsePAM no', 'StrictModes no', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PubkeyAuthentication no', ''].join('\n'));
  // sshd wants its privilege-separation directory when run as root.
  if (isRoot() && !existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
  return spawned('/usr/sbin/sshd', ['-D', '-e', '-f', cfg], dir, port);
}
