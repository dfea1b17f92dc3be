// The same integration suite on VS Code desktop through @vscode/test-electron, for
// machines that can download VS Code (this project's CI cannot: it uses the VS Code
// server instead, see runIntegration.mjs). VSCODE_VERSION picks the build
// (default: the engines minimum, 1.93.0; "stable" for the latest).
import { runTests } from '@vscode/test-electron';
import { mkdtempSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './vscodeServer.mjs';

const workspace = mkdtempSync(join(tmpdir(), 'cd-electron-'));
cpSync(join(ROOT, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
try {
  await runTests({
    version: process.env.VSCODE_VERSION ?? '1.93.0',
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: join(ROOT, 'out', 'test', 'integration', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (e) {
  console.error(`Integration tests failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
