import { strict as assert } from 'node:assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCAN_FOLD_LINES, SCAN_MAX_OPEN } from '../../../src/cli/scan';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

interface Record { line: number; endLine: number; count: number; port: number; occurrences: { line: number; endLine: number }[] }

/** A distinct refused connection per index (another host and port each time). */
function failure(i: number): string {
  return `Error: connect ECONNREFUSED 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:${1000 + (i % 50_000)}`;
}

describe('cli: scan streams with bounded memory', function () {
  this.timeout(180_000);
  let dir = '';

  before(() => {
    execFileSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'ignore' });
    dir = mkdtempSync(join(tmpdir(), 'cd-scan-stream-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints an incident while the input is still open, once more failures than it holds have come', async () => {
    const child = spawn(process.execPath, [CLI, 'scan', '--json'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = Array.from({ length: SCAN_MAX_OPEN + 1 }, (_, i) => failure(i));
    child.stdin.write(`${lines.join('\n')}\n`);
    const [first] = (await once(child.stdout, 'data')) as [Buffer];
    // Standard input is still open here: the record came out as the first incident closed.
    assert.equal(child.stdin.writableEnded, false);
    const record = JSON.parse(first.toString('utf8').split('\n')[0]) as Record;
    assert.deepEqual([record.line, record.port], [1, 1000]);
    child.stdin.end();
    const [code] = (await once(child, 'close')) as [number];
    assert.equal(code, 0);
  });

  it('scans 40,000 distinct failures with a 24 MB heap (it ran out of memory when every incident was kept)', async () => {
    const child = spawn(process.execPath, ['--max-old-space-size=24', CLI, 'scan', '--json'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let records = 0;
    let last = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      const parts = (last + text).split('\n');
      last = parts.pop() ?? '';
      records += parts.length;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    for (let i = 0; i < 40_000; i += 1000) {
      const batch = Array.from({ length: 1000 }, (_, k) => failure(i + k)).join('\n');
      if (!child.stdin.write(`${batch}\n`)) await once(child.stdin, 'drain');
    }
    child.stdin.end();
    const [code] = (await once(child, 'close')) as [number];
    assert.equal(code, 0, stderr.slice(0, 500));
    assert.equal(records, 40_000);
  });

  it('folds repeats within the fold horizon and starts a new record after it', () => {
    const quiet = Array.from({ length: SCAN_FOLD_LINES + 10 }, (_, i) => `build step ${i} ok`);
    const input = ['curl: (52) Empty reply from server', 'ok', 'curl: (52) Empty reply from server', ...quiet, 'curl: (52) Empty reply from server', ''].join('\n');
    const r = spawnSync(process.execPath, [CLI, 'scan', '--json'], { input, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const records = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record);
    assert.deepEqual(records.map((x) => [x.line, x.count, x.occurrences.map((o) => o.line)]), [
      [1, 2, [1, 3]],
      [SCAN_FOLD_LINES + 14, 1, [SCAN_FOLD_LINES + 14]],
    ]);
  });

  for (const [name, encode] of [
    ['UTF-16LE', (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ['UTF-16BE', (text: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])],
    ['UTF-8 with BOM', (text: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])],
  ] as const) {
    it(`decodes ${name} with its byte order mark (file and standard input)`, () => {
      const text = 'PS C:\\app> npm start\r\nError: connect ECONNREFUSED 127.0.0.1:5432\r\n    at TCPConnectWrap.afterConnect\r\n';
      const file = join(dir, `${name}.log`);
      writeFileSync(file, encode(text));
      for (const r of [spawnSync(process.execPath, [CLI, 'scan', '--json', file], { encoding: 'utf8' }), spawnSync(process.execPath, [CLI, 'scan', '--json'], { input: encode(text), encoding: 'utf8' })]) {
        assert.equal(r.status, 0, r.stderr);
        const [record] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record & { host: string; text: string });
        assert.deepEqual([record.line, record.host, record.port, record.text.split('\n')[0]], [2, '127.0.0.1', 5432, 'Error: connect ECONNREFUSED 127.0.0.1:5432']);
      }
    });
  }
});
