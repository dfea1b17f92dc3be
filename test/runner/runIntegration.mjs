// Runs the integration suite (test/integration, bundled to out/test/integration)
// inside the extension host of a real VS Code server, with the workbench opened in
// headless Chromium. Exits with the suite's exit code.
//   node test/runner/runIntegration.mjs            # VS Code 1.139 (code-server 4.139)
//   node test/runner/runIntegration.mjs --minimum  # VS Code 1.93.1, the engines minimum
import { mkdirSync, cpSync } from 'node:fs';
import { format } from 'node:util';
import { join } from 'node:path';
import { ROOT, ensureServer, makeProfile, quietSettings, removeProfile, startServer, workbenchUrl, writeUserSettings } from './vscodeServer.mjs';
import { launchBrowser, openWorkbench } from './browser.mjs';

const TIME_LIMIT_MS = Number(process.env.CD_TEST_TIME_LIMIT_MS ?? 10 * 60_000);
const flavour = process.argv.includes('--minimum') ? 'minimum' : 'latest';
const verbose = process.argv.includes('--verbose') || process.env.CD_TEST_VERBOSE === '1';

async function main() {
  const server = ensureServer(flavour);
  // The extension host inherits the server's environment. VS Code 1.93's terminal
  // read() is flaky upstream (fixed in 1.98), so only the minimum run retries.
  if (flavour === 'minimum') process.env.CD_TEST_RETRIES ??= '2';
  console.log(`Integration tests in VS Code ${server.version} (${flavour}), server at ${server.dir}`);
  const profile = makeProfile();
  const workspace = join(profile.base, 'workspace');
  mkdirSync(workspace, { recursive: true });
  cpSync(join(ROOT, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  writeUserSettings(profile, quietSettings());
  let running;
  let browser;
  try {
    running = await startServer(server, profile, { log: (s) => verbose && process.stderr.write(`[server] ${s}`) });
    browser = await launchBrowser();
    const exitCode = await new Promise((resolve) => {
      const timer = setTimeout(() => {
        console.error(`Integration suite did not finish within ${TIME_LIMIT_MS / 1000} s`);
        resolve(3);
      }, TIME_LIMIT_MS);
      openWorkbench(browser, workbenchUrl(running, {
        folder: workspace,
        extensionDevelopmentPath: ROOT,
        extensionTestsPath: join(ROOT, 'out', 'test', 'integration', 'index.js'),
      }), {
        onLog: (type, args) => printLog(type, args),
        onExit: (code) => {
          clearTimeout(timer);
          resolve(code);
        },
      }).catch((e) => {
        clearTimeout(timer);
        console.error(e);
        resolve(4);
      });
    });
    return exitCode;
  } finally {
    await browser?.close().catch(() => {});
    running?.stop();
    removeProfile(profile);
  }
}


function printLog(_type, args) {
  const text = format(...(Array.isArray(args) ? args : [args]));
  // The workbench forwards its own log lines too; the suite's output is what matters.
  if (!verbose && (/^\s*\[[A-Za-z][\w .:-]*\]/.test(text) || /workbench\.js:|open-vsx\.org|^(Resolving|Resolved) connection token|^Creating a socket|^Updating additional builtin/.test(text))) return;
  process.stdout.write(`${text}\n`);
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
