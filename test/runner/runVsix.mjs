// Packages the extension as a VSIX with @vscode/vsce and tests THAT artefact:
// installed into the VS Code server, it must activate and run its command.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, ensureServer } from './vscodeServer.mjs';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const vsix = join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
execFileSync(process.execPath, [join(ROOT, 'esbuild.js'), '--production'], { cwd: ROOT, stdio: 'inherit' });
execFileSync(process.execPath, [join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--out', vsix], {
  cwd: ROOT,
  stdio: 'inherit',
});
ensureServer('latest');
const args = [join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--no-config', '--require', 'tsx/cjs', '--extension', 'ts', '--timeout', '180000', 'test/vsix/installedVsix.test.ts'];
const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, CD_VSIX: vsix } });
// Leave a development build behind, as the other test steps expect.
execFileSync(process.execPath, [join(ROOT, 'esbuild.js')], { cwd: ROOT, stdio: 'inherit' });
process.exit(result.status ?? 1);
