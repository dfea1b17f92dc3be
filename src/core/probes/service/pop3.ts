/**
 * POP3: the server greets with `+OK` (or `-ERR`), and CAPA lists STLS when it offers TLS
 * (RFC 1939 section 4, RFC 2449, RFC 2595).
 */
import { printable } from '../budget';
import { hasLine } from './session';
import { linesOf, notThis } from './protocol';
import type { ServiceModule } from './protocol';

/** POP3 greeting and CAPA. */
export const pop3: ServiceModule = {
  service: 'pop3',
  label: 'POP3',
  serverFirst: true,
  tlsFromStart: true,
  async talk(s, ctx) {
    const b = await s.read(hasLine, ctx.greetingWaitMs);
    const line = linesOf(b)[0] ?? '';
    const text = printable(line.slice(line.startsWith('+OK') ? 4 : 5), 160);
    if (line.startsWith('-ERR')) return { recognized: true, said: `refused with -ERR ${text}`, serverError: text, serverErrorCode: 'ERR', blocking: true };
    if (!line.startsWith('+OK')) return notThis(b.length > 0 ? 'not a POP3 greeting' : 'no greeting');
    const seen = b.length;
    s.write('CAPA\r\n');
    const capa = (await s.read((x) => x.length > seen && (linesOf(x.subarray(seen)).includes('.') || x.subarray(seen).toString('latin1').startsWith('-ERR')), ctx.greetingWaitMs)).subarray(seen);
    s.write('QUIT\r\n');
    const lines = linesOf(capa);
    const tls = lines[0]?.startsWith('+OK') ? lines.some((l) => l.toUpperCase() === 'STLS') : null;
    return { recognized: true, said: `greeted with +OK ${text}${tls === null ? '' : tls ? '; STLS offered' : '; no STLS'}`, version: text, tlsOffered: tls };
  },
};
