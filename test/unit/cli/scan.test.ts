import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

function scan(args: string[], input = '', env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'scan', ...args], { input, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli: connection-doctor scan', function () {
  this.timeout(60_000);
  let dir = '';

  before(() => {
    execFileSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'ignore' });
    dir = mkdtempSync(join(tmpdir(), 'cd-scan-'));
    writeFileSync(join(dir, 'a.log'), 'starting\nError: connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect\n');
    writeFileSync(join(dir, 'b.log'), 'ok\nok\ncurl: (6) Could not resolve host: example.invalid\n');
    writeFileSync(join(dir, 'clean.log'), 'all good\nRefused to apply inline style because it violates the following Content Security Policy directive\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the JSON Lines contract for standard input and exits 0', () => {
    const r = scan(['--json'], 'x\n[10:00] Error: connect ECONNREFUSED 127.0.0.1:5432\n[10:01] Error: connect ECONNREFUSED 127.0.0.1:5432\n');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    assert.deepEqual(JSON.parse(lines[0]), {
      line: 2, endLine: 2, category: 'refused', also: [], code: 'ECONNREFUSED', syscall: 'connect', host: '127.0.0.1', port: 5432,
      url: null, ecosystem: 'node', rule: 'node.econnrefused', count: 2, text: '[10:00] Error: connect ECONNREFUSED 127.0.0.1:5432',
      occurrences: [{ line: 2, endLine: 2 }, { line: 3, endLine: 3 }],
    });
  });

  it('masks credentials in what it prints, as text and as JSON', () => {
    const secret = 'Error: connect ECONNREFUSED postgres://app:hunter2pass@127.0.0.1:5432/db (token ghp_0123456789abcdefghijklmnopqrstuvwxyzAB)\n';
    for (const args of [['--json'], []]) {
      const r = scan(args, secret);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!r.stdout.includes('hunter2pass') && !r.stdout.includes('ghp_0123'), r.stdout);
      assert.match(r.stdout, /app:\*{4}@127\.0\.0\.1:5432/);
    }
  });

  it('adds the file name and per-file line numbers when several files are given', () => {
    const r = scan(['--json', join(dir, 'a.log'), join(dir, 'b.log')]);
    assert.equal(r.code, 0, r.stderr);
    const records = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; line: number; category: string; host: string | null; port: number | null });
    assert.deepEqual(records.map((x) => [x.file, x.line, x.category, x.host, x.port]), [
      [join(dir, 'a.log'), 2, 'refused', '127.0.0.1', 5432],
      [join(dir, 'b.log'), 3, 'dns', 'example.invalid', null],
    ]);
  });

  it('reports every distinct failure of a long log, not only the most recent ones', () => {
    const input = Array.from({ length: 3000 }, (_, i) => `Error: connect ECONNREFUSED 127.0.${i >> 8}.${i & 255}:${2000 + i}`).join('\n');
    const r = scan(['--json'], `${input}\n`);
    assert.equal(r.code, 0, r.stderr);
    const records = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { line: number; port: number });
    assert.equal(records.length, 3000);
    assert.deepEqual([records[0]?.line, records[0]?.port, records[2999]?.line, records[2999]?.port], [1, 2000, 3000, 4999]);
  });

  it('stops quietly when the reader closes the pipe early', () => {
    const input = Array.from({ length: 20000 }, (_, i) => `Error: connect ECONNREFUSED 127.0.0.1:${1000 + i}`).join('\n');
    const r = spawnSync('bash', ['-c', `node ${JSON.stringify(CLI)} scan --json | head -1`], { input, encoding: 'utf8' });
    assert.equal(r.stdout.trim().split('\n').length, 1);
    assert.doesNotMatch(r.stderr, /EPIPE|Unhandled/);
  });

  it('exits 1 and prints nothing when nothing is found', () => {
    const r = scan(['--json', join(dir, 'clean.log')]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
  });

  it('exits 2 naming an unreadable file, and still scans the others', () => {
    const missing = join(dir, 'missing.log');
    const r = scan(['--json', missing, join(dir, 'a.log')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr.trim(), new RegExp(`^connection-doctor scan: cannot read '${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}': ENOENT$`));
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.equal(r.stdout.trim().split('\n').length, 1);
  });

  it('prints a readable summary without colour when not a TTY', () => {
    const r = scan([join(dir, 'a.log')]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /refused/);
    assert.match(r.stdout, /127\.0\.0\.1:5432/);
    assert.ok(!r.stdout.includes('\x1b['), 'no escape sequences in piped output');
  });

  it('rejects unknown options with status 2', () => {
    assert.equal(scan(['--bogus']).code, 2);
  });
});
