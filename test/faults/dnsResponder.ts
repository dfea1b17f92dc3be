/**
 * A tiny DNS responder over UDP (node:dgram) that answers every query with a fixed response
 * code and no records: NXDOMAIN (3) makes every name "not exist", SERVFAIL (2) or REFUSED (5)
 * make the resolver fail. Used as the system resolver inside a test namespace.
 *
 * Run directly (`node --import tsx test/faults/dnsResponder.ts --host 127.0.0.1 --port 53 --rcode 3`)
 * (`--silent`: read queries, never answer) it serves until killed and prints `listening HOST:PORT` on stdout once it is ready.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';

/** DNS response codes this responder can answer with. */
export const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

/** A running responder. */
export interface DnsResponder {
  host: string;
  port: number;
  /** Queries answered so far. */
  queries(): number;
  close(): Promise<void>;
}

/** Options of the responder. */
export interface DnsResponderOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  rcode?: number;
  /** Read every query and never answer: a resolver that is down without refusing. */
  silent?: boolean;
}

const HEADER = 12;

/**
 * Builds the answer to one query: same id and question, QR=1, RD copied, RA=1, the rcode,
 * no answer records. Returns null for packets too short or not queries (they are ignored).
 */
export function buildResponse(query: Buffer, rcode: number): Buffer | null {
  if (query.length < HEADER) return null;
  const flags = query.readUInt16BE(2);
  if (flags & 0x8000) return null; // a response, not a query
  const qdcount = query.readUInt16BE(4);
  // Copy the question section verbatim: walk the labels of each question (linear, bounded by length).
  let offset = HEADER;
  for (let q = 0; q < qdcount; q++) {
    while (offset < query.length) {
      const len = query[offset] ?? 0;
      if (len === 0) {
        offset += 1;
        break;
      }
      if ((len & 0xc0) === 0xc0) {
        offset += 2;
        break;
      }
      offset += 1 + len;
    }
    offset += 4; // QTYPE + QCLASS
  }
  if (offset > query.length) return null;
  const out = Buffer.alloc(offset);
  query.copy(out, 0, 0, offset);
  const rd = flags & 0x0100;
  out.writeUInt16BE(0x8000 | (flags & 0x7800) | rd | 0x0080 | (rcode & 0x0f), 2);
  out.writeUInt16BE(qdcount, 4);
  out.writeUInt16BE(0, 6); // ANCOUNT
  out.writeUInt16BE(0, 8); // NSCOUNT
  out.writeUInt16BE(0, 10); // ARCOUNT
  return out;
}

/** Starts a responder on UDP host:port answering every query with `rcode` (default NXDOMAIN). */
export function startDnsResponder(options: DnsResponderOptions = {}): Promise<DnsResponder> {
  const host = options.host ?? '127.0.0.1';
  const rcode = options.rcode ?? RCODE.NXDOMAIN;
  const socket: Socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  let count = 0;
  socket.on('message', (msg, rinfo) => {
    if (options.silent === true) {
      count++;
      return;
    }
    const reply = buildResponse(msg, rcode);
    if (!reply) return;
    count++;
    socket.send(reply, rinfo.port, rinfo.address);
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port ?? 0, host, () => {
      socket.off('error', reject);
      // A late error (the peer went away) must not crash the host process.
      socket.on('error', () => undefined);
      resolve({
        host,
        port: socket.address().port,
        queries: () => count,
        close: () => new Promise<void>((done) => socket.close(() => done())),
      });
    });
  });
}

function argValue(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

if (process.argv[1]?.endsWith('dnsResponder.ts')) {
  const argv = process.argv.slice(2);
  startDnsResponder({
    host: argValue(argv, '--host') ?? '127.0.0.1',
    port: Number(argValue(argv, '--port') ?? '53'),
    rcode: Number(argValue(argv, '--rcode') ?? String(RCODE.NXDOMAIN)),
    silent: argv.includes('--silent'),
  }).then(
    (r) => process.stdout.write(`listening ${r.host}:${r.port}\n`),
    (e: unknown) => {
      process.stderr.write(`dnsResponder: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
