/**
 * SMTP: the server greets with 220 (554 when it refuses service), possibly over several lines
 * (`220-`); EHLO lists the extensions, STARTTLS among them (RFC 5321 section 4.2, RFC 3207).
 */
import { printable } from '../budget';
import { linesOf, notThis } from './protocol';
import type { ServiceModule } from './protocol';

/** A complete reply: its last line has a space after the three-digit code. */
const wholeReply = (b: Buffer): boolean => linesOf(b).some((l, i, all) => i < all.length - 1 && /^\d{3} /.test(l));

/** SMTP greeting and EHLO. */
export const smtp: ServiceModule = {
  service: 'smtp',
  label: 'SMTP',
  serverFirst: true,
  tlsFromStart: true,
  async talk(s, ctx) {
    const b = await s.read((x) => wholeReply(x) || x.length >= 4096, ctx.greetingWaitMs);
    const lines = linesOf(b);
    const last = lines.find((l) => /^\d{3} /.test(l));
    if (!last) return notThis(b.length > 0 ? 'not an SMTP greeting' : 'no greeting');
    const code = last.slice(0, 3);
    const greeting = printable(lines[0]?.slice(4) ?? '', 100);
    if (code !== '220') return { recognized: true, said: `greeted with ${code}: ${greeting}`, serverError: greeting, serverErrorCode: code, blocking: code.startsWith('5') || code.startsWith('4') };
    const seen = b.length;
    s.write('EHLO connection-doctor.invalid\r\n');
    const ehlo = (await s.read((x) => x.length > seen && wholeReply(x.subarray(seen)), ctx.greetingWaitMs)).subarray(seen);
    s.write('QUIT\r\n');
    const ext = linesOf(ehlo).filter((l) => l.startsWith('250')).map((l) => l.slice(4).toUpperCase());
    const tls = ext.length > 0 ? ext.some((e) => e.startsWith('STARTTLS')) : null;
    return { recognized: true, said: `greeted with 220 ${greeting}${tls === null ? '' : tls ? '; STARTTLS offered' : '; no STARTTLS'}`, version: greeting, tlsOffered: tls };
  },
};
