/**
 * Client programs the scenarios run as `node -e SOURCE ARGS...` (process.argv.slice(1) = ARGS).
 * Each does what ordinary Node code does and, on failure, logs the error the way most programs
 * do (`console.error(err)`: message, stack, code/errno/syscall/address/port) and exits 1; on
 * success it prints `ok STATUS` and exits 0, so a fault that did not reproduce fails the scenario.
 */

/** `net.connect({host, port})`; with a third argument, gives up after that many ms the way drivers do (connect ETIMEDOUT). */
export const NET_CONNECT = `
const net = require('node:net');
const [host, port, ms] = process.argv.slice(1);
const s = net.connect({ host, port: Number(port) });
s.on('connect', () => { console.log('ok connected'); s.destroy(); });
s.on('error', (e) => { console.error(e); process.exitCode = 1; });
if (ms) s.setTimeout(Number(ms), () => {
  if (s.connecting) s.destroy(Object.assign(new Error('connect ETIMEDOUT ' + host + ':' + port), { errno: -110, code: 'ETIMEDOUT', syscall: 'connect', address: host, port: Number(port) }));
});
`;

/** `http.get(url)` / `https.get(url)`: prints `ok STATUS` once the whole body arrived. */
export const HTTP_GET = `
const [url] = process.argv.slice(1);
const lib = url.startsWith('https:') ? require('node:https') : require('node:http');
const req = lib.get(url, (res) => {
  res.on('error', (e) => { console.error(e); process.exitCode = 1; });
  res.resume();
  res.on('end', () => console.log('ok', res.statusCode));
});
req.on('error', (e) => { console.error(e); process.exitCode = 1; });
`;

/** `fetch(url)` (undici), optionally with AbortSignal.timeout(ms). */
export const FETCH = `
const [url, ms] = process.argv.slice(1);
fetch(url, ms ? { signal: AbortSignal.timeout(Number(ms)) } : {})
  .then((r) => r.text().then(() => console.log('ok', r.status)))
  .catch((e) => { console.error(e); process.exitCode = 1; });
`;

/**
 * Two GETs over one keep-alive connection (maxSockets 1). Between them the program is busy
 * (a synchronous spin stands in for a CPU-bound handler) 700 ms past the server's idle timeout, so
 * it has not yet seen the server's FIN when it reuses the pooled socket: the idle-close race.
 */
export const KEEPALIVE_REUSE = `
const http = require('node:http');
const [url, idleMs] = process.argv.slice(1);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const get = (cb) => {
  const req = http.get(url, { agent }, (res) => { res.resume(); res.on('end', () => cb(null, res)); });
  req.on('error', (e) => cb(e));
};
get((e1) => {
  if (e1) { console.error(e1); process.exitCode = 1; return; }
  const busyUntil = Date.now() + Number(idleMs) + 700;
  setImmediate(() => {
    while (Date.now() < busyUntil) { /* busy */ }
    get((e2, res) => {
      if (e2) { console.error(e2); process.exitCode = 1; } else console.log('ok', res.statusCode);
      agent.destroy();
    });
  });
});
`;

/**
 * Opens `count` connections to host:port and keeps them open until killed; prints `held N` once
 * `need` of them completed the handshake (the others may wait forever: that is the point).
 */
export const HOLD_CONNECTIONS = `
const net = require('node:net');
const [host, port, count, need] = process.argv.slice(1);
let connected = 0;
for (let i = 0; i < Number(count); i++) {
  const s = net.connect({ host, port: Number(port) });
  s.on('error', () => undefined);
  s.on('connect', () => { if (++connected === Number(need)) console.log('held', connected); });
}
setInterval(() => undefined, 60000);
`;

/**
 * A listener with backlog 1 whose process never accepts: it prints `listening PORT` and then
 * blocks its event loop for good (Atomics.wait), like a server stuck in a deadlock. The kernel
 * completes handshakes into the accept queue until it is full, then drops new SYNs.
 */
export const STUCK_LISTENER = `
const net = require('node:net');
const fs = require('node:fs');
const [host, port] = process.argv.slice(1);
const server = net.createServer();
server.listen({ host, port: Number(port || 0), backlog: 1 }, () => {
  fs.writeSync(1, 'listening ' + server.address().port + '\\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
});
`;

/** An HTTP server on host:port (port 0 = any), printing `listening PORT`: a service inside a namespace. */
export const HTTP_SERVER = `
const http = require('node:http');
const [host, port] = process.argv.slice(1);
const server = http.createServer((req, res) => res.end('ok\\n'));
server.listen({ host, port: Number(port || 0) }, () => console.log('listening ' + server.address().port));
`;

/** `count` sequential GETs of url; logs each failure's error, exits 1 when any failed (a flaky dependency). */
export const HTTP_GET_LOOP = `
const http = require('node:http');
const [url, count] = process.argv.slice(1);
let failed = 0;
const one = (i) => {
  if (i === Number(count)) { process.exitCode = failed ? 1 : 0; return; }
  const req = http.get(url, { agent: false }, (res) => { res.resume(); res.on('end', () => { console.log('ok', res.statusCode); one(i + 1); }); });
  req.on('error', (e) => { failed++; console.error(e); one(i + 1); });
};
one(0);
`;
