// A server that accepts and then resets every connection; a client that talks to it.
const http = require('node:http');
const net = require('node:net');
const server = net.createServer((socket) => socket.resetAndDestroy());
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  http.get(`http://127.0.0.1:${port}/api/orders`, () => undefined).on('error', (err) => {
    console.error(err);
    server.close();
    process.exitCode = 1;
  });
});
