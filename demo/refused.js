// Connects to a port where nothing listens (a PostgreSQL port, by default).
const net = require('node:net');
const port = Number(process.argv[2] ?? 5432);
net.connect(port, '127.0.0.1').on('error', (err) => {
  console.error(err);
  process.exitCode = 1;
});
