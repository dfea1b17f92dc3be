import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamDetector } from '../../../src/core/detect/stream';
import type { Incident } from '../../../src/core/types';
import { completeTarget } from '../../../src/core/detect/commandLine';
import { refusedPort } from '../../support/refusedPort';

// Real programs under a real pseudo-terminal (util-linux `script`), their output fed to the
// detector exactly as the pty produced it: `\r\n` line ends, ssh's `\r\r\n`, progress bars.

const ROOT = join(__dirname, '..', '..', '..');

function has(binary: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0;
}

/** Fails in CI and skips locally when a program the test runs is missing. */
function need(ctx: Mocha.Context, ...binaries: string[]): void {
  const missing = binaries.filter((b) => !has(b));
  if (missing.length === 0) return;
  if (process.env.CI) assert.fail(`missing ${missing.join(', ')} (install it in .ci/run)`);
  ctx.skip();
}

/** Runs a shell command under a pty; resolves with the chunks the pty produced. */
function underPty(command: string): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TERM: 'xterm-256color', COLUMNS: '120', LINES: '40' } });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', () => resolve(chunks));
  });
}

/** The incidents of the pty output, chunked as it arrived, with the command line's URL as a terminal gives it. */
function detect(chunks: Buffer[], commandLine: string): Incident[] {
  const d = new StreamDetector();
  const out: Incident[] = [];
  for (const c of chunks) out.push(...d.write(new Uint8Array(c)));
  out.push(...d.end());
  return out.map((i) => completeTarget(i, commandLine));
}

async function failureOf(command: string, category: string, host: string, port: number): Promise<Incident> {
  const chunks = await underPty(command);
  const raw = Buffer.concat(chunks).toString('utf8');
  const found = detect(chunks, command);
  const hit = found.find((i) => i.category === category && i.host === host && i.port === port);
  assert.ok(hit, `no ${category} incident for ${host}:${port} in ${JSON.stringify(raw)}: ${JSON.stringify(found.map((i) => [i.category, i.host, i.port, i.text]))}`);
  return hit;
}

describe('detect: real programs under a pseudo-terminal', function () {
  this.timeout(60_000);
  let dir = '';
  let port = 0;

  before(async function () {
    need(this, 'script');
    dir = mkdtempSync(join(tmpdir(), 'cd-pty-'));
    port = await refusedPort();
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ssh to a closed port (OpenSSH writes \\r\\n, the pty adds \\r)', async function () {
    need(this, 'ssh');
    const chunks = await underPty(`ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -p ${port} 127.0.0.1`);
    assert.match(Buffer.concat(chunks).toString('latin1'), /Connection refused\r\r\n/, 'the pty output ends the line with \\r\\r\\n');
    await failureOf(`ssh -o BatchMode=yes -p ${port} 127.0.0.1`, 'refused', '127.0.0.1', port);
  });

  it('wget to a closed port', async function () {
    need(this, 'wget');
    await failureOf(`wget --tries=1 -O /dev/null http://127.0.0.1:${port}/x`, 'refused', '127.0.0.1', port);
  });

  it('curl to a closed port', async function () {
    need(this, 'curl');
    await failureOf(`curl -sS http://127.0.0.1:${port}/x`, 'refused', '127.0.0.1', port);
  });

  it('curl with a progress bar that ends in a reset', async function () {
    need(this, 'curl');
    // Sends a part of a large body, then resets: curl has drawn its bar on the line it then fails on.
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 50000000\r\n\r\n');
        let sent = 0;
        const timer = setInterval(() => {
          socket.write(Buffer.alloc(64 * 1024, 97));
          if (++sent >= 16) {
            clearInterval(timer);
            socket.resetAndDestroy();
          }
        }, 25);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port: live } = server.address() as net.AddressInfo;
    try {
      const command = `curl -# -o /dev/null http://127.0.0.1:${live}/big`;
      const chunks = await underPty(command);
      const raw = Buffer.concat(chunks).toString('utf8');
      assert.match(raw, /\r#+ +\d+\.\d%/, 'curl drew a progress bar');
      const hit = detect(chunks, command).find((i) => i.category === 'reset');
      assert.ok(hit, `no reset incident in ${JSON.stringify(raw.slice(-300))}`);
      assert.equal(hit.host, '127.0.0.1');
      assert.equal(hit.port, live);
      assert.match(hit.text, /curl: \(56\) Recv failure: Connection reset by peer$/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('python failing to connect (asyncio names the address)', async function () {
    need(this, 'python3');
    const script = join(dir, 'connect.py');
    writeFileSync(script, `import asyncio, sys\nasyncio.run(asyncio.open_connection('127.0.0.1', int(sys.argv[1])))\n`);
    await failureOf(`python3 ${script} ${port}`, 'refused', '127.0.0.1', port);
  });

  it('node failing to connect', async () => {
    const script = join(dir, 'connect.js');
    writeFileSync(script, `require('net').connect(Number(process.argv[2]), '127.0.0.1');\n`);
    await failureOf(`${JSON.stringify(process.execPath)} ${script} ${port}`, 'refused', '127.0.0.1', port);
  });
});

describe('cli: scan reads what a pty wrote', function () {
  this.timeout(60_000);

  it('finds ssh\'s failure ending in \\r\\r\\n', () => {
    spawnSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'ignore' });
    const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'scan', '--json'], { input: 'ssh: connect to host 127.0.0.1 port 1: Connection refused\r\r\n', encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const incident = JSON.parse(r.stdout.trim()) as { category: string; host: string; port: number; text: string };
    assert.equal(incident.category, 'refused');
    assert.equal(incident.host, '127.0.0.1');
    assert.equal(incident.port, 1);
    assert.equal(incident.text, 'ssh: connect to host 127.0.0.1 port 1: Connection refused');
  });
});
