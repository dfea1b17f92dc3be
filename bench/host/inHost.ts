/**
 * Runs inside the VS Code extension host (as an extensionTestsPath module) for
 * bench/extension.bench.ts: reads the extension's own activation timing, measures a
 * minimal extension's load+activate as the baseline, and times hovers on a huge
 * log against a small one. Writes its figures as JSON to CD_BENCH_OUT.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

interface Figures {
  activation: { loadMs: number | null; activateMs: number } | null;
  baselineActivateMs: number;
  hover: { sizeMB: number; hugeMs: number[]; smallMs: number[]; hugeOpened: boolean; error?: string };
}

const ERROR_LINE = '2026-11-24T10:16:44.320Z ERROR db pool: Error: connect ECONNREFUSED 127.0.0.1:5432';

export async function run(): Promise<void> {
  const out = process.env.CD_BENCH_OUT;
  const dataDir = process.env.CD_BENCH_DATA;
  if (!out || !dataDir) throw new Error('CD_BENCH_OUT and CD_BENCH_DATA must be set');
  const ext = vscode.extensions.getExtension('connection-doctor.connection-doctor');
  if (!ext) throw new Error('extension not found');
  const api = (await ext.activate()) as { activation?: Figures['activation'] };

  const figures: Figures = {
    activation: api.activation ?? null,
    baselineActivateMs: baselineActivation(dataDir),
    hover: await hoverTimes(dataDir),
  };
  writeFileSync(out, JSON.stringify(figures));
}

/** Load + activate of a minimal extension module (one command), in this same host. */
function baselineActivation(dataDir: string): number {
  const dir = join(dataDir, 'baseline-extension');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `extension-${Date.now()}.js`);
  writeFileSync(
    file,
    `const vscode = require('vscode');\nexports.activate = (ctx) => { ctx.subscriptions.push(vscode.commands.registerCommand('cdBench.baseline' + Date.now(), () => 1)); };\n`,
  );
  const disposables: vscode.Disposable[] = [];
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as { activate(ctx: { subscriptions: vscode.Disposable[] }): void };
  mod.activate({ subscriptions: disposables });
  const ms = performance.now() - t0;
  for (const d of disposables) d.dispose();
  return ms;
}

/** Median-friendly samples of executeHoverProvider on the last error line of a huge and a small log. */
async function hoverTimes(dataDir: string): Promise<Figures['hover']> {
  const huge = join(dataDir, 'huge.log');
  const small = join(dataDir, 'small.log');
  const sizeMB = Number(process.env.CD_BENCH_HOVER_MB ?? 48);
  const result: Figures['hover'] = { sizeMB, hugeMs: [], smallMs: [], hugeOpened: false };
  result.smallMs = await sampleHover(vscode.Uri.file(small), 20);
  try {
    result.hugeMs = await sampleHover(vscode.Uri.file(huge), 20);
    result.hugeOpened = true;
  } catch (e) {
    result.error = e instanceof Error ? e.message : String(e);
  }
  return result;
}

async function sampleHover(uri: vscode.Uri, n: number): Promise<number[]> {
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: false });
  let line = doc.lineCount - 1;
  while (line > 0 && !doc.lineAt(line).text.includes('ECONNREFUSED')) line--;
  const position = new vscode.Position(line, 40);
  const samples: number[] = [];
  for (let i = 0; i < n + 3; i++) {
    const t0 = performance.now();
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
    const ms = performance.now() - t0;
    const text = hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
    if (!/refused/i.test(text)) throw new Error(`no Connection Doctor hover on ${uri.fsPath}:${line + 1}`);
    if (i >= 3) samples.push(ms); // the first calls warm up the provider and the document
  }
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  return samples;
}

export { ERROR_LINE };
