import * as assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Terminal } from '@xterm/headless';
import { jsonForTerminal, sanitizeForTerminal } from '../../../src/cli/terminalText';

const REPO = join(__dirname, '..', '..', '..');
const CLI = join(REPO, 'dist', 'cli.js');

/** What a hostile line carries: 8-bit CSI and OSC, 7-bit escapes, BEL, OSC 8 links, a carriage return. */
const PAYLOADS = [
  '\u009b2J\u009bH',
  '\u009d0;PWNED\u009c',
  '\u001b]0;PWNED\u0007',
  '\u001b]2;PWNED\u001b\\',
  '\u001b]8;;http://evil.example/\u0007click\u001b]8;;\u0007',
  '\u009d8;;http://evil.example/\u009cclick\u009d8;;\u009c',
  '\u001b[2J\u001b[H\u001b[31m',
  '\u0007\u0007',
  '\rOVERWRITTEN',
  '\u001bc',
];

interface Screen {
  lines: string[];
  title: boolean;
  bell: boolean;
  link: boolean;
}

/** Renders bytes as VS Code's terminal (xterm.js) would, after a sentinel line. */
function render(output: string): Promise<Screen> {
  const term = new Terminal({ cols: 1000, rows: 100, scrollback: 1000, allowProposedApi: true });
  const seen = { title: false, bell: false, link: false };
  term.onTitleChange(() => (seen.title = true));
  term.onBell(() => (seen.bell = true));
  term.parser.registerOscHandler(8, () => {
    seen.link = true;
    return false;
  });
  return new Promise((resolve) => {
    term.write(`SENTINEL\r\n${output.replace(/\n/g, '\r\n')}`, () => {
      const lines: string[] = [];
      const buf = term.buffer.active;
      for (let i = 0; i < buf.length; i++) {
        const line = buf.getLine(i);
        const text = line?.translateToString(true) ?? '';
        // A line longer than the screen continues on wrapped rows: join them back.
        if (line?.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
        else lines.push(text);
      }
      for (let i = 0; i < lines.length; i++) lines[i] = lines[i].trimEnd();
      while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
      term.dispose();
      resolve({ lines, ...seen });
    });
  });
}

/** The screen shows exactly the text, character for character: nothing was interpreted. */
async function assertUntouched(output: string, what: string): Promise<void> {
  const screen = await render(output);
  assert.equal(screen.title, false, `${what}: the title changed`);
  assert.equal(screen.bell, false, `${what}: the bell rang`);
  assert.equal(screen.link, false, `${what}: a hyperlink was planted`);
  const want = ['SENTINEL', ...output.split('\n').map((l) => l.trimEnd())];
  while (want[want.length - 1] === '') want.pop();
  const differs = want.findIndex((l, i) => screen.lines[i] !== l);
  assert.ok(differs < 0 && screen.lines.length === want.length, `${what}: the screen differs from the text at line ${differs}: ${JSON.stringify(screen.lines[differs])} vs ${JSON.stringify(want[differs])}`);
}

function run(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { cwd: REPO, env: { PATH: process.env.PATH }, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err && typeof (err as { code?: unknown }).code === 'number' ? (err as unknown as { code: number }).code : err ? 1 : 0;
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

describe('terminal safety of everything the CLI prints', function () {
  this.timeout(120_000);

  before(() => {
    const built = spawnSync(process.execPath, ['esbuild.js'], { cwd: REPO, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
  });

  it('the harness sees an attack: raw payloads do change the title, ring, link and clear', async () => {
    const raw = await render(PAYLOADS.join(' '));
    assert.ok(raw.title && raw.bell && raw.link, JSON.stringify(raw));
    await assert.rejects(assertUntouched(`x${PAYLOADS[0]}`, 'raw CSI'));
  });

  it('shows every control as a visible escape', async () => {
    assert.equal(sanitizeForTerminal('a\u009bb\u001bc\u0007d\re'), 'a\\u009bb\\u001bc\\u0007d\\u000de');
    assert.equal(sanitizeForTerminal('tab\tand ünïcödé'), 'tab\tand ünïcödé');
    const json = jsonForTerminal({ t: 'a\u009b2J\u2028' });
    assert.equal(json, '{"t":"a\\u009b2J\\u2028"}');
    assert.deepEqual(JSON.parse(json), { t: 'a\u009b2J\u2028' });
    for (const p of PAYLOADS) await assertUntouched(sanitizeForTerminal(`Error: ${p}`), JSON.stringify(p));
  });

  it('diagnose: the error text, evidence and commands reach the terminal inert, as text and as JSON', async () => {
    const port = await refusedPort();
    let diagnosed = 0;
    for (const p of PAYLOADS) {
      const error = `Error: connect ECONNREFUSED 127.0.0.1:${port} ${p}`;
      for (const json of [false, true]) {
        const r = await run(['diagnose', ...(json ? ['--json'] : []), '--timeout', '1500', '--attempts', '1', '--error', error]);
        // A payload may break the line so that no failure is found (exit 2): the message must be inert too.
        assert.ok(r.code === 0 || r.code === 2, r.stderr);
        if (r.code === 0) diagnosed++;
        await assertUntouched(r.stdout, `diagnose${json ? ' --json' : ''} ${JSON.stringify(p)}`);
        await assertUntouched(r.stderr, `diagnose${json ? ' --json' : ''} stderr ${JSON.stringify(p)}`);
        if (json && r.code === 0) assert.ok(JSON.parse(r.stdout));
      }
    }
    assert.ok(diagnosed >= PAYLOADS.length, `only ${diagnosed} runs diagnosed`);
  });

  it('diagnose: an error message quoting a bad target or file name is inert', async () => {
    for (const p of PAYLOADS) {
      for (const args of [[`127.0.0.1${p}:80`], ['--error-file', `/nonexistent/${p}`], [`--bogus${p}`]]) {
        const r = await run(['diagnose', ...args]);
        assert.equal(r.code, 2);
        await assertUntouched(r.stderr, `diagnose ${JSON.stringify(args)}`);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      }
    }
    const r = await run([`nonsense${PAYLOADS[2]}`]);
    await assertUntouched(r.stderr, 'unknown command');
  });

  it('scan: hosts, codes and lines from the input reach the terminal inert, as text and as JSON Lines', async () => {
    const input = PAYLOADS.map((p, i) => `Error: connect ECONNREFUSED 127.0.0.${i + 1}:5432 ${p}\n`).join('');
    for (const json of [false, true]) {
      const r = await run(['scan', ...(json ? ['--json'] : [])], input);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.length > 0);
      await assertUntouched(r.stdout, `scan${json ? ' --json' : ''}`);
      if (json) for (const line of r.stdout.trim().split('\n')) assert.ok(JSON.parse(line));
    }
    const bad = await run(['scan', `/nonexistent/${PAYLOADS[4]}`]);
    assert.equal(bad.code, 2);
    await assertUntouched(bad.stderr, 'scan error');
  });

  it('diagnose masks credentials from the error text in --json and in text', async () => {
    const port = await refusedPort();
    const error = `FetchError: request to http://app:hunter2hunter2@127.0.0.1:${port}/x?access_token=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 failed, reason: connect ECONNREFUSED 127.0.0.1:${port}`;
    for (const json of [true, false]) {
      const r = await run(['diagnose', ...(json ? ['--json'] : []), '--timeout', '1500', '--attempts', '1', '--error', error]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!r.stdout.includes('hunter2') && !r.stdout.includes('aBcDeFgHiJkLmNoPq'), r.stdout.slice(0, 2000));
      assert.ok(r.stdout.includes('****'));
    }
  });
});
