// `npm start`: the VS Code server with Connection Doctor loaded from this tree and
// the demo workspace open. Prints the URL to open in a browser; Ctrl+C stops it.
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, ensureServer, makeProfile, quietSettings, removeProfile, startServer, workbenchUrl, writeUserSettings } from './vscodeServer.mjs';

const server = ensureServer('latest');
const profile = makeProfile();
const workspace = join(profile.base, 'demo');
mkdirSync(workspace, { recursive: true });
cpSync(join(ROOT, 'demo'), workspace, { recursive: true });
writeUserSettings(profile, quietSettings());
const running = await startServer(server, profile);
const url = workbenchUrl(running, { folder: workspace, extensionDevelopmentPath: ROOT });
console.log(`\nConnection Doctor is running in VS Code ${server.version}.\n\nOpen this URL in a browser:\n\n  ${url}\n\nThe demo workspace is ${workspace}. Press Ctrl+C to stop.\n`);
const stop = () => {
  running.stop();
  removeProfile(profile);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
running.child.on('exit', (code) => {
  console.error(`VS Code server exited (${code})`);
  removeProfile(profile);
  process.exit(1);
});
