import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fillCommand } from '../../../src/core/diagnose/template';
import { loadCauses } from '../../../src/core/knowledge/causes';
import type { VerifyEntry } from '../../../src/core/knowledge/causeSchema';
import { dialectOf, quoteWord, renderCommand } from '../../../src/core/shell/render';
import type { Dialect } from '../../../src/core/shell/render';
import type { CommandWord, Target, VerifyCommand } from '../../../src/core/types';

/** Real shells the POSIX rendering must hold in (zsh also with RC_QUOTES, where '' inside quotes is a quote). */
const SHELLS: ReadonlyArray<{ name: string; argv: string[] }> = [
  { name: 'sh', argv: ['sh', '-c'] },
  { name: 'bash', argv: ['bash', '-c'] },
  { name: 'zsh', argv: ['zsh', '-f', '-c'] },
  { name: 'zsh -o rcquotes', argv: ['zsh', '-f', '-o', 'rcquotes', '-c'] },
];

function have(program: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Text attackers put in output: every shell metacharacter, each trying to create the marker file. */
function hostile(marker: string): string[] {
  return [
    `a;touch ${marker}`,
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    `a|touch ${marker}`,
    `a&&touch ${marker}&`,
    `'$(touch ${marker})'`,
    `"$(touch ${marker})"`,
    `'; touch ${marker}; '`,
    `\\'$(touch ${marker})\\'`,
    `a''b'\\''c`,
    `‘$(touch ${marker})’`,
    `a>${marker}`,
    `<${marker}`,
    '*',
    '[1-20]',
    'a?b',
    '{a,b}',
    '~root',
    '=ls',
    '!!',
    '!$',
    '%1',
    'a b  c',
    '${IFS}x$IFS',
    '#comment',
    'a\\',
    'ünïcödé',
    '',
  ];
}

function expectedArgv(word: CommandWord, env: Record<string, string>): string {
  return typeof word === 'string' ? word : (env[word.env] ?? '');
}

describe('shell rendering: commands as argument vectors', () => {
  let dir = '';
  let stubs = '';
  let out = '';
  let marker = '';
  const programs = new Set<string>();
  for (const c of loadCauses()) {
    for (const v of c.verify) if ((v.shell ?? 'posix') === 'posix') for (const stage of [v.run, ...(v.pipe ?? [])]) programs.add(String(stage[0]));
  }

  before(function () {
    const missing = ['sh', 'bash', 'zsh'].filter((s) => !have(s));
    if (missing.length) {
      if (process.env.CI === 'true') throw new Error(`the shell-quoting tests need ${missing.join(', ')} (Debian packages; .ci/run installs them)`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'cd-shell-'));
    stubs = join(dir, 'bin');
    out = join(dir, 'out');
    marker = join(dir, 'pwned');
    execFileSync('mkdir', ['-p', stubs, out]);
    // Each program of the knowledge base is a stub that records its argv (NUL-separated) in a file of its own.
    const stub = '#!/bin/sh\nf="$STUB_OUT/run.$$"\n{ printf "%s" "${0##*/}"; for a in "$@"; do printf "\\0%s" "$a"; done; } > "$f"\n';
    for (const p of programs) {
      writeFileSync(join(stubs, p), stub);
      chmodSync(join(stubs, p), 0o755);
    }
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function runIn(shell: { argv: string[] }, line: string, env: Record<string, string>): string[][] {
    for (const f of readdirSync(out)) rmSync(join(out, f));
    execFileSync(shell.argv[0], [...shell.argv.slice(1), line], {
      env: { PATH: `${stubs}:/usr/bin:/bin`, STUB_OUT: out, HOME: dir, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 10_000,
    });
    return readdirSync(out)
      .map((f) => readFileSync(join(out, f), 'utf8').split('\0'))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }

  function expected(cmd: VerifyCommand, env: Record<string, string>): string[][] {
    const runs: string[][] = [];
    for (let i = 0; i < (cmd.repeat ?? 1); i++) for (const stage of cmd.pipeline) runs.push(stage.map((w) => expectedArgv(w, env)));
    return runs.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }

  it('gives every knowledge-base command exactly its arguments in sh, bash and zsh, whatever the host and URL hold', function () {
    this.timeout(240_000);
    const entries: VerifyEntry[] = [];
    for (const c of loadCauses()) for (const v of c.verify) if ((v.shell ?? 'posix') === 'posix') entries.push(v);
    // Every distinct command once is enough: the same words render the same way.
    const unique = [...new Map(entries.map((e) => [JSON.stringify(e), e])).values()];
    let checked = 0;
    for (const evil of hostile(marker)) {
      const target: Target = { host: `h${evil}`, port: 8080, scheme: 'http', url: `http://127.0.0.1:8081/${evil}` };
      const env = { HTTPS_PROXY: `http://p/${evil}` };
      const cmds = unique.map((entry) => fillCommand(entry, target, {}));
      for (const cmd of cmds) assert.ok(cmd.text !== null, `${JSON.stringify(evil)}: ${cmd.withheld}`);
      // One script of every command, one per line: a quote that leaked would swallow or add a command.
      const script = cmds.map((c) => c.text).join('\n');
      const want = cmds.flatMap((c) => expected(c, env)).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
      for (const shell of SHELLS) {
        const got = runIn(shell, script, env);
        assert.deepEqual(got, want, `${shell.name}: ${JSON.stringify(evil)}`);
        assert.ok(!existsSync(marker), `${shell.name} ran more than the commands for ${JSON.stringify(evil)}`);
        checked += cmds.length;
      }
    }
    assert.ok(checked > 1000, `only ${checked} runs`);
  });

  it('gives curl the URL itself, never a glob: --globoff on every curl command', () => {
    for (const c of loadCauses()) {
      for (const v of c.verify) for (const stage of [v.run, ...(v.pipe ?? [])]) if (stage[0] === 'curl') assert.ok(stage.includes('--globoff'), c.id);
    }
    const cmd = fillCommand({ run: ['curl', '--globoff', '-v', '{url}'] }, { host: 'x', port: 1, scheme: 'http', url: 'http://127.0.0.1:8080/[1-20]/x' }, {});
    assert.equal(cmd.text, "curl --globoff -v 'http://127.0.0.1:8080/[1-20]/x'");
  });

  it('withholds, with a reason, what no quoting makes safe: controls, a value read as an option', () => {
    for (const bad of ['a\nb', 'a\rb', 'a\u001b]0;x\u0007', 'a\u009b2J', 'a\u0000b', 'a\u202eb']) {
      const cmd = fillCommand({ run: ['nc', '-vz', '{host}', '{port}'] }, { host: bad, port: 1, scheme: null, url: null }, {});
      assert.equal(cmd.text, null, JSON.stringify(bad));
      assert.match(cmd.withheld ?? '', /control/);
    }
    const dash = fillCommand({ run: ['dig', '{host}'] }, { host: '-f/etc/passwd', port: 1, scheme: null, url: null }, {});
    assert.equal(dash.text, null);
    assert.match(dash.withheld ?? '', /option/);
  });

  it('masks credentials in the words it fills', () => {
    const cmd = fillCommand({ run: ['curl', '--globoff', '{url}'] }, { host: 'x', port: 1, scheme: 'http', url: 'http://u:hunter2hunter@x/?access_token=abcdef123456' }, {});
    assert.ok(cmd.text && !cmd.text.includes('hunter2') && !cmd.text.includes('abcdef123456'), cmd.text ?? '');
  });

  it('quotes for PowerShell and cmd.exe, or withholds', () => {
    const q = (w: string, d: Dialect): string => {
      const r = quoteWord(w, d);
      return 'text' in r ? r.text : `WITHHELD ${r.withheld}`;
    };
    assert.equal(q("a'b", 'pwsh'), "'a''b'");
    assert.equal(q('a‘b’', 'pwsh'), "'a‘‘b’’'");
    assert.equal(q('$(calc)', 'pwsh'), "'$(calc)'");
    assert.equal(q('-Port', 'pwsh'), '-Port');
    assert.match(q('a"b', 'pwsh'), /^WITHHELD/);
    assert.match(q('', 'pwsh'), /^WITHHELD/);
    assert.equal(q('a b&c|d<e>f^g', 'cmd'), '"a b&c|d<e>f^g"');
    for (const bad of ['%PATH%', 'a!b!', 'a"b', 'a\\']) assert.match(q(bad, 'cmd'), /^WITHHELD/, bad);
    assert.deepEqual(renderCommand({ shell: 'powershell', pipeline: [['Test-NetConnection', "h'; calc; '", '-Port', '80']] }, 'pwsh'), {
      text: "Test-NetConnection 'h''; calc; ''' -Port 80",
    });
    assert.ok('withheld' in renderCommand({ shell: 'powershell', pipeline: [['Get-NetAdapter']] }, 'sh'));
    assert.deepEqual(renderCommand({ shell: 'posix', pipeline: [['curl', { env: 'HTTPS_PROXY' }]], stdinNull: true, stderr: 'null' }, 'pwsh'), {
      text: '$null | curl $env:HTTPS_PROXY 2>$null',
    });
    assert.ok('withheld' in renderCommand({ shell: 'posix', pipeline: [['curl']], repeat: 3 }, 'cmd'));
  });

  it('knows the shells by their path', () => {
    assert.equal(dialectOf('/bin/bash'), 'sh');
    assert.equal(dialectOf('/usr/local/bin/zsh'), 'sh');
    assert.equal(dialectOf('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe'), 'pwsh');
    assert.equal(dialectOf('C:\\Windows\\system32\\cmd.exe'), 'cmd');
    assert.equal(dialectOf('/usr/bin/fish'), null);
    assert.equal(dialectOf('/usr/bin/nu'), null);
  });
});
