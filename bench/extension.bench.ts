/**
 * The extension inside VS Code: bundle sizes, activation time (against a minimal
 * extension in the same host) and hover time on a 100 MB log (against a 10-line
 * log). Prints figures; asserts nothing.
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchBrowser, openWorkbench } from '../test/runner/browser.mjs';
import { ROOT, ensureServer, makeProfile, removeProfile, startServer, workbenchUrl, writeUserSettings } from '../test/runner/vscodeServer.mjs';

const DATA = join(ROOT, 'bench', '.data');
// VS Code never syncs files above 50 MB to extensions (its MODEL_SYNC_LIMIT), so no hover
// provider can run on them: 48 MB is the largest log a hover can be measured on.
const HOVER_MB = Number(process.env.CD_BENCH_HOVER_MB ?? 48);
const ERROR_LINE = '2026-11-24T10:16:44.320Z ERROR db pool: Error: connect ECONNREFUSED 127.0.0.1:5432';

function kb(n: number): string {
  return `${(n / 1024).toFixed(1)} KB`;
}

function bundleSizes(): void {
  console.log('bundle sizes (production build):');
  for (const f of ['extension.js', 'engine.js', 'cli.js', 'webview/panel.js', 'webview/incidents.js']) {
    const p = join(ROOT, 'dist', f);
    if (!existsSync(p)) continue;
    const buf = readFileSync(p);
    console.log(`  dist/${f.padEnd(22)} ${kb(buf.length).padStart(10)}  (gzip ${kb(gzipSync(buf).length)})`);
  }
  const ext = statSync(join(ROOT, 'dist', 'extension.js')).size;
  console.log(`  dist/extension.js is ${(ext / (150 * 1024)).toFixed(2)}x the 150 KB goal`);
}

/** A log of HOVER_MB megabytes of ordinary lines with an error line every 1000 lines. */
function makeLogs(): void {
  mkdirSync(DATA, { recursive: true });
  const huge = join(DATA, 'huge.log');
  const want = HOVER_MB * 1024 * 1024;
  if (!existsSync(huge) || Math.abs(statSync(huge).size - want) > 1024 * 1024) {
    const fd = openSync(huge, 'w');
    const block: string[] = [];
    for (let i = 0; i < 1000; i++) {
      block.push(i === 999 ? ERROR_LINE : `2026-11-24T10:15:${String(i % 60).padStart(2, '0')}.000Z INFO  GET /api/orders/${i} 200 ${i % 97}ms user=svc-${i % 13}`);
    }
    const chunk = Buffer.from(`${block.join('\n')}\n`);
    for (let written = 0; written < want; written += chunk.length) writeSync(fd, chunk);
    closeSync(fd);
  }
  const smallLines = Array.from({ length: 9 }, (_, i) => `2026-11-24T10:15:0${i}.000Z INFO  GET /api/orders/${i} 200 5ms`);
  writeFileSync(join(DATA, 'small.log'), `${[...smallLines, ERROR_LINE].join('\n')}\n`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function inVsCode(): Promise<void> {
  await build({
    entryPoints: [join(ROOT, 'bench', 'host', 'inHost.ts')],
    outfile: join(ROOT, 'out', 'bench', 'inHost.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'error',
  });
  const out = join(DATA, 'in-host.json');
  process.env.CD_BENCH_OUT = out;
  process.env.CD_BENCH_DATA = DATA;
  process.env.CD_BENCH_HOVER_MB = String(HOVER_MB);
  const server = ensureServer('latest');
  const profile = makeProfile();
  // Files above 50 MB are synced to extensions only with large-file optimisations off.
  writeUserSettings(profile, { 'editor.largeFileOptimizations': false, 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off' });
  const running = await startServer(server, profile);
  const browser = await launchBrowser();
  try {
    const code = await new Promise<number>((resolve) => {
      const timer = setTimeout(() => resolve(3), 10 * 60_000);
      void openWorkbench(browser, workbenchUrl(running, { folder: DATA, extensionDevelopmentPath: ROOT, extensionTestsPath: join(ROOT, 'out', 'bench', 'inHost.js') }), {
        onExit: (c) => {
          clearTimeout(timer);
          resolve(c);
        },
      });
    });
    if (code !== 0 || !existsSync(out)) throw new Error(`in-host bench exited with ${code}`);
    const f = JSON.parse(readFileSync(out, 'utf8')) as {
      activation: { loadMs: number | null; activateMs: number } | null;
      baselineActivateMs: number;
      hover: { sizeMB: number; hugeMs: number[]; smallMs: number[]; hugeOpened: boolean; error?: string };
    };
    console.log(`\nin VS Code ${server.version}:`);
    if (f.activation) {
      const total = (f.activation.loadMs ?? 0) + f.activation.activateMs;
      console.log(`  activation: load ${f.activation.loadMs?.toFixed(1) ?? '?'} ms + activate() ${f.activation.activateMs.toFixed(1)} ms = ${total.toFixed(1)} ms (goal < 20 ms)`);
      console.log(`  baseline (a one-command extension, same host): ${f.baselineActivateMs.toFixed(2)} ms; ratio ${(total / f.baselineActivateMs).toFixed(1)}x`);
    }
    const small = median(f.hover.smallMs);
    console.log(`  hover, 10-line log: median ${small.toFixed(2)} ms over ${f.hover.smallMs.length}`);
    if (f.hover.hugeOpened) {
      const huge = median(f.hover.hugeMs);
      console.log(`  hover, ${f.hover.sizeMB} MB log (last error line): median ${huge.toFixed(2)} ms over ${f.hover.hugeMs.length}; ratio to the 10-line log ${(huge / small).toFixed(2)}x`);
    } else {
      console.log(`  hover on the ${f.hover.sizeMB} MB log could not run: ${f.hover.error}`);
    }
  } finally {
    await browser.close().catch(() => undefined);
    running.stop();
    removeProfile(profile);
  }
}

async function main(): Promise<void> {
  bundleSizes();
  makeLogs();
  await inVsCode();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
