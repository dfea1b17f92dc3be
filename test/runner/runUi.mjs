// Runs the UI tests (test/ui/*.ui.test.ts): Playwright drives the real VS Code
// workbench in headless Chromium. Each spec opens its own Workbench.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, ensureServer } from './vscodeServer.mjs';

ensureServer('latest');
const args = [join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--no-config', '--require', 'tsx/cjs', '--extension', 'ts', '--timeout', '180000', '--reporter', 'spec', ...process.argv.slice(2)];
if (!process.argv.slice(2).some((a) => !a.startsWith('-'))) args.push('test/ui/**/*.ui.test.ts');
const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
process.exit(result.status ?? 1);
