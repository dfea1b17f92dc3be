/**
 * HTTP: over TLS, the ALPN protocol the server chose (h2 or http/1.1); with h2 the server's
 * first frame must be SETTINGS (RFC 9113 section 3.4); with HTTP/1.1 a HEAD request's status
 * line and Server header (RFC 9112).
 */
import { hostPort } from '../../target/address';
import { printable } from '../budget';
import { linesOf, notThis } from './protocol';
import type { ServiceModule } from './protocol';

const PREFACE = Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]);

/** HTTP/1.1 HEAD, or the HTTP/2 preface when ALPN chose h2. */
export const http: ServiceModule = {
  service: 'http',
  label: 'HTTP',
  serverFirst: false,
  tlsFromStart: true,
  async talk(s, ctx) {
    const alpn = s.alpn;
    const tls: Record<string, string> = s.tlsProtocol ? { alpn: alpn ?? 'none', tls: s.tlsProtocol } : {};
    if (alpn === 'h2') {
      s.write(PREFACE);
      const b = await s.read((x) => x.length >= 9);
      if (b.length >= 9 && b[3] === 4) return { recognized: true, said: `chose h2 by ALPN and sent its SETTINGS`, version: 'HTTP/2', details: tls };
      return notThis('chose h2 by ALPN but sent no SETTINGS frame');
    }
    s.write(`HEAD / HTTP/1.1\r\nHost: ${hostPort(ctx.host, ctx.port)}\r\nUser-Agent: connection-doctor\r\nConnection: close\r\n\r\n`);
    const b = await s.read((x) => x.includes('\r\n\r\n') || x.length >= 8192);
    const lines = linesOf(b);
    const status = lines[0] ?? '';
    if (!status.startsWith('HTTP/')) return notThis(b.length > 0 ? 'not an HTTP response' : 'no response');
    const server = lines.find((l) => l.toLowerCase().startsWith('server:'));
    return { recognized: true, said: `answered ${printable(status, 80)}${alpn ? ` (ALPN ${alpn})` : ''}`, version: server ? printable(server.slice(7).trim(), 80) : null, details: { ...tls, status: printable(status, 80) } };
  },
};
