// Packages the extension as a VSIX with @vscode/vsce and tests THAT artefact:
// installed into the VS Code server, it must activate and run its command.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, ensureServer, packageVsix } from './vscodeServer.mjs';

// packageVsix leaves a development build behind, as the other test steps expect.
const vsix = packageVsix();
ensureServer('latest');
const args = [join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--no-config', '--require', 'tsx/cjs', '--extension', 'ts', '--timeout', '180000', 'test/vsix/installedVsix.test.ts'];
const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, CD_VSIX: vsix } });
process.exit(result.status ?? 1);
