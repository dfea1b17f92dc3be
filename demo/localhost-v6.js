// The server listens on IPv4 loopback only; the client dials IPv6 loopback.
const http = require('node:http');
const server = http.createServer((_req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  http.get({ host: '::1', port, path: '/' }, () => undefined).on('error', (err) => {
    console.error(err);
    server.close();
    process.exitCode = 1;
  });
});
