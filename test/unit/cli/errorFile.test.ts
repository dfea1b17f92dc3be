import * as assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readBounded } from '../../../src/cli/boundedRead';

const REPO = join(__dirname, '..', '..', '..');
const CLI = join(REPO, 'dist', 'cli.js');

function run(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // The generous kill timer is what the old unbounded read ran into (it never ended on /dev/zero or a silent FIFO).
    const child = execFile(process.execPath, [CLI, ...args], { cwd: REPO, env: { PATH: process.env.PATH }, timeout: 30_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err && typeof (err as { code?: unknown }).code === 'number' ? (err as unknown as { code: number }).code : err ? null : 0;
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

function refusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

describe('diagnose --error-file: bounded input', function () {
  this.timeout(120_000);
  let dir = '';
  const writers: ChildProcess[] = [];

  before(() => {
    const built = spawnSync(process.execPath, ['esbuild.js'], { cwd: REPO, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    dir = mkdtempSync(join(tmpdir(), 'cd-errfile-'));
  });

  after(() => {
    for (const w of writers) w.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  function fifo(name: string): string {
    const path = join(dir, name);
    execFileSync('mkfifo', [path]);
    return path;
  }

  it('keeps at most the bound of a huge file, in memory of that order', async () => {
    const big = join(dir, 'big.log');
    writeFileSync(big, 'Error: connect ECONNREFUSED 127.0.0.1:9\n');
    truncateSync(big, 1024 * 1024 * 1024); // 1 GB, sparse
    const before = process.memoryUsage().arrayBuffers;
    const read = await readBounded(big, 1024 * 1024, 5_000);
    assert.ok(!('error' in read));
    assert.equal(Buffer.byteLength(read.text), 1024 * 1024);
    assert.equal(read.truncated, true);
    assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 1024 * 1024, 'read far more than it keeps');
  });

  it('stops reading an endless stream at the bound', async () => {
    let sent = 0;
    const endless = new Readable({
      read() {
        sent += 65536;
        this.push(Buffer.alloc(65536, 0x61));
      },
    });
    const read = await readBounded('-', 1024 * 1024, 5_000, endless);
    assert.ok(!('error' in read));
    assert.equal(read.text.length, 1024 * 1024);
    assert.ok(sent < 4 * 1024 * 1024, `pulled ${sent} bytes`);
  });

  it('refuses /dev/zero with one clear line, at once', async () => {
    const r = await run(['diagnose', '--error-file', '/dev/zero', '127.0.0.1:9']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /is a device, not a file/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  it('ends on a FIFO nobody writes to, saying so', async () => {
    const r = await run(['diagnose', '--error-file', fifo('silent'), '--timeout', '1000']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /nothing arrived from .* within 5 s/);
  });

  it('gives up on a FIFO whose writer never writes, saying so', async () => {
    const path = fifo('held');
    // The writer opens the FIFO and holds it open without writing.
    writers.push(spawn('sh', ['-c', `exec 3>"${path}"; sleep 60`], { stdio: 'ignore' }));
    const r = await run(['diagnose', '--error-file', path]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /nothing arrived from .* within 5 s/);
  });

  it('reads the failure from a FIFO that streams endlessly, and stops at the bound', async () => {
    const port = await refusedPort();
    const path = fifo('endless');
    writers.push(spawn('sh', ['-c', `{ echo "Error: connect ECONNREFUSED 127.0.0.1:${port}"; exec cat /dev/zero; } > "${path}"`], { stdio: 'ignore' }));
    const r = await run(['diagnose', '--json', '--timeout', '1500', '--attempts', '1', '--error-file', path]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { target: { port: number } }).target.port, port);
  });

  it('reads standard input for -', async () => {
    const port = await refusedPort();
    const r = await run(['diagnose', '--json', '--timeout', '1500', '--attempts', '1', '--error-file', '-'], `Error: connect ECONNREFUSED 127.0.0.1:${port}\n`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { target: { port: number } }).target.port, port);
  });
});
