/**
 * IMAP: the server greets with `* OK`, `* PREAUTH` or `* BYE` (RFC 9051 section 7.1), often with
 * its CAPABILITY list in the greeting (STARTTLS, LOGINDISABLED).
 */
import { printable } from '../budget';
import { hasLine } from './session';
import { linesOf, notThis } from './protocol';
import type { ServiceModule } from './protocol';

/** IMAP greeting. */
export const imap: ServiceModule = {
  service: 'imap',
  label: 'IMAP',
  serverFirst: true,
  tlsFromStart: true,
  async talk(s, ctx) {
    const b = await s.read(hasLine, ctx.greetingWaitMs);
    const line = linesOf(b)[0] ?? '';
    if (!line.startsWith('* ')) return notThis(b.length > 0 ? 'not an IMAP greeting' : 'no greeting');
    const text = printable(line.slice(2), 160);
    const upper = line.toUpperCase();
    const caps = upper.includes('[CAPABILITY ');
    if (upper.startsWith('* BYE')) return { recognized: true, said: `refused with ${text}`, serverError: text, serverErrorCode: 'BYE', blocking: true };
    return { recognized: true, said: `greeted with ${text}`, version: text, tlsOffered: caps ? upper.includes('STARTTLS') : null };
  },
};
