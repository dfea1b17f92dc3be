// VS Code 1.93's server-main.js starts nothing by itself: load it, then create the
// server and serve it from a plain http server, as code-server's router does.
// Usage: node minimumServer.cjs <server-main.js> --host H --port P [--flag | --key value]...
'use strict';
const http = require('node:http');

function parseArgs(argv) {
  const args = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      args._.push(a);
      continue;
    }
    const key = a.slice(2);
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      args[key] = next;
      i++;
    } else {
      args[key] = true;
    }
  }
  return args;
}

async function main() {
  const [serverMain, ...rest] = process.argv.slice(2);
  const args = parseArgs(rest);
  const main = require(serverMain);
  // loadCodeWithNls() resolves to the server module (createServer, spawnCli).
  const mod = await main.loadCodeWithNls();
  if (args['install-extension']) {
    // Install mode: hand the CLI arguments to the server's own CLI path.
    const { spawnCli } = mod;
    if (typeof spawnCli === 'function') {
      await spawnCli(args);
      return;
    }
  }
  const host = args.host ?? '127.0.0.1';
  const port = Number(args.port);
  delete args.host;
  delete args.port;
  const server = await mod.createServer(null, args);
  const httpServer = http.createServer((req, res) => server.handleRequest(req, res));
  httpServer.on('upgrade', (req, socket) => server.handleUpgrade(req, socket));
  httpServer.listen(port, host, () => process.stdout.write(`Extension host agent listening on ${port}\n`));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
