// A server that reads the request and closes without answering: "socket hang up".
const http = require('node:http');
const server = http.createServer((req) => req.socket.destroy());
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  http.get(`http://127.0.0.1:${port}/health`, () => undefined).on('error', (err) => {
    console.error(err);
    server.close();
    process.exitCode = 1;
  });
});
