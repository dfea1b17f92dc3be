// `npm start`: Connection Doctor as a user gets it. Packages the VSIX, installs it into
// a fresh VS Code server profile and opens the demo workspace, with no extension
// development path and no smoke-test driver (which hides notification toasts), so the
// workbench behaves as for a user. Prints the URL to open in a browser; Ctrl+C stops it.
import { cpSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ROOT,
  ensureServer,
  installExtension,
  makeProfile,
  packageVsix,
  quietSettings,
  removeProfile,
  startServer,
  workbenchUrl,
  writeUserSettings,
} from './vscodeServer.mjs';

/**
 * The setup of `npm start`, also used by its UI test (test/ui/npmStart.ui.test.ts):
 * packages and installs the extension, starts the server on a copy of demo/ and
 * returns the workbench URL. `stop()` stops the server and removes the profile.
 */
export async function startDemo({ log = (line) => console.log(line) } = {}) {
  const server = ensureServer('latest');
  const profile = makeProfile();
  try {
    const workspace = join(profile.base, 'demo');
    mkdirSync(workspace, { recursive: true });
    cpSync(join(ROOT, 'demo'), workspace, { recursive: true });
    writeUserSettings(profile, quietSettings());
    log(`Packaging Connection Doctor as a VSIX and installing it into VS Code ${server.version}...`);
    const vsix = packageVsix({ out: join(profile.base, 'connection-doctor.vsix'), quiet: true });
    installExtension(server, profile, vsix);
    const running = await startServer(server, profile, { smokeTestDriver: false });
    const url = workbenchUrl(running, { folder: workspace });
    const stop = () => {
      running.stop();
      removeProfile(profile);
    };
    return { url, workspace, version: server.version, running, stop };
  } catch (e) {
    removeProfile(profile);
    throw e;
  }
}

/** Runs `npm start` until Ctrl+C. (No top-level await: the UI test loads this module as CommonJS through tsx.) */
async function main() {
  const demo = await startDemo();
  console.log(`\nConnection Doctor is running in VS Code ${demo.version}.\n\nOpen this URL in a browser:\n\n  ${demo.url}\n\nThe demo workspace is ${demo.workspace}. Press Ctrl+C to stop.\n`);
  const stop = () => {
    demo.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  demo.running.child.on('exit', (code) => {
    console.error(`VS Code server exited (${code})`);
    demo.stop();
    process.exit(1);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
