// Starts the real VS Code server (from the npm package code-server) on loopback
// and stops it again. The install is cached in .vscode-test/ by
// scripts/install-vscode-server.sh, like @vscode/test-electron caches VS Code.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Installs (once) and returns the paths of one VS Code server flavour. */
export function ensureServer(flavour = 'latest') {
  const dir = execFileSync('bash', [join(ROOT, 'scripts', 'install-vscode-server.sh'), flavour], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .toString()
    .trim()
    .split('\n')
    .pop();
  const node = readFileSync(join(dir, '.node'), 'utf8').trim();
  const vscodeDir = join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
  const version = JSON.parse(readFileSync(join(vscodeDir, 'product.json'), 'utf8')).version
    ?? JSON.parse(readFileSync(join(vscodeDir, 'package.json'), 'utf8')).version;
  return { flavour, dir, node, vscodeDir, version };
}

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/** Fresh, throw-away user/server/extensions directories for one run. */
export function makeProfile(extensionsDir) {
  const base = mkdtempSync(join(tmpdir(), 'cd-vscode-'));
  const dirs = {
    base,
    userDataDir: join(base, 'user-data'),
    serverDataDir: join(base, 'server-data'),
    extensionsDir: extensionsDir ?? join(base, 'extensions'),
  };
  for (const d of [dirs.userDataDir, dirs.serverDataDir, dirs.extensionsDir]) mkdirSync(d, { recursive: true });
  return dirs;
}

/** Settings for a quiet, deterministic window: no tips, updates, telemetry or trust prompts; bash terminals with shell integration. */
export function quietSettings() {
  return {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'terminal.integrated.shellIntegration.enabled': true,
    'terminal.integrated.defaultProfile.linux': 'bash',
    'security.workspace.trust.enabled': false,
    'chat.disableAIFeatures': true,
  };
}

/** Writes user settings the tests rely on (theme, no telemetry, quiet workbench). */
export function writeUserSettings(profile, settings) {
  const file = join(profile.serverDataDir, 'data', 'Machine', 'settings.json');
  mkdirSync(dirname(file), { recursive: true });
  execFileSync(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(file)}, ${JSON.stringify(JSON.stringify(settings, null, 2))})`]);
}

/**
 * Packages the extension as users get it: the production build, then `vsce package`
 * into `out` (default: <name>-<version>.vsix in the tree). Afterwards it rebuilds the
 * development bundle, which the other test steps load. With `quiet`, the tools' output
 * is kept and shown only if one of them fails.
 */
export function packageVsix({ out, quiet = false } = {}) {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const vsix = out ?? join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
  const run = (args) => {
    try {
      execFileSync(process.execPath, args, { cwd: ROOT, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    } catch (e) {
      if (quiet) process.stderr.write(`${e.stdout ?? ''}${e.stderr ?? ''}`);
      throw e;
    }
  };
  run([join(ROOT, 'esbuild.js'), '--production']);
  run([join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--out', vsix]);
  run([join(ROOT, 'esbuild.js')]);
  return vsix;
}

/** Runs `server-main.js --install-extension FILE` into the profile's extensions dir. */
export function installExtension(server, profile, vsix) {
  const args = [
    join(server.vscodeDir, 'out', 'server-main.js'),
    '--accept-server-license-terms',
    '--server-data-dir', profile.serverDataDir,
    '--user-data-dir', profile.userDataDir,
    '--extensions-dir', profile.extensionsDir,
    '--install-extension', vsix,
    '--force',
  ];
  if (server.flavour === 'minimum') {
    args.splice(0, 1, join(ROOT, 'test', 'runner', 'minimumServer.cjs'), join(server.vscodeDir, 'out', 'server-main.js'));
  }
  return execFileSync(server.node, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 }).toString();
}

/** Starts the server and resolves once it answers HTTP. */
export async function startServer(server, profile, { log = () => {}, smokeTestDriver = true } = {}) {
  const port = await freePort();
  const options = [
    '--host', '127.0.0.1',
    '--port', String(port),
    '--without-connection-token',
    // The driver makes the workbench honour the test payload (extensionDevelopmentPath,
    // extensionTestsPath), but it also hides notification toasts; an installed VSIX
    // needs no payload, so its tests can run without it and see the toasts.
    ...(smokeTestDriver ? ['--enable-smoke-test-driver'] : []),
    '--accept-server-license-terms',
    '--disable-telemetry',
    '--disable-workspace-trust',
    '--user-data-dir', profile.userDataDir,
    '--server-data-dir', profile.serverDataDir,
    '--extensions-dir', profile.extensionsDir,
  ];
  const main = join(server.vscodeDir, 'out', 'server-main.js');
  const args = server.flavour === 'minimum'
    ? [join(ROOT, 'test', 'runner', 'minimumServer.cjs'), main, ...options]
    : [main, ...options];
  const child = spawn(server.node, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VSCODE_AGENT_FOLDER: profile.serverDataDir },
    detached: true,
  });
  let output = '';
  const onData = (d) => {
    output += d.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
    log(d.toString());
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const stop = () => {
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };
  process.once('exit', stop);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`VS Code server exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/version`);
      if (res.status < 500) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  if (Date.now() >= deadline) {
    stop();
    throw new Error(`VS Code server did not start within 60 s:\n${output}`);
  }
  return { port, base: `http://127.0.0.1:${port}`, child, stop, output: () => output };
}

/** The workbench URL that opens a folder and hands the smoke-test driver its payload. */
export function workbenchUrl(running, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const remote = (p) => `vscode-remote://127.0.0.1:${running.port}${p}`;
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  payload.push(['skipWelcome', 'true']);
  const params = new URLSearchParams();
  if (folder) params.set('folder', folder);
  params.set('payload', JSON.stringify(payload));
  return `${running.base}/?${params.toString()}`;
}

/** Removes a profile directory (best effort). */
export function removeProfile(profile) {
  if (profile && existsSync(profile.base)) rmSync(profile.base, { recursive: true, force: true });
}
