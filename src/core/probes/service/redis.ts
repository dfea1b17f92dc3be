/**
 * Redis: the client speaks first. `PING` answers `+PONG`, or an error whose first word is its
 * code: `-NOAUTH` (a password is required), `-WRONGPASS`/`-NOPERM` (ACL), `-DENIED` (protected
 * mode: no password and a non-loopback client), `-LOADING`, `-MASTERDOWN` ... (Redis docs,
 * "Protocol spec" and src/server.c protected-mode text). On +PONG, `INFO server` gives the version.
 */
import { printable } from '../budget';
import { hasLine } from './session';
import { linesOf, notThis } from './protocol';
import type { ServiceModule } from './protocol';

/** Bulk string complete: `$len\r\n` then len bytes and CRLF. */
function wholeBulk(b: Buffer): boolean {
  const nl = b.indexOf('\r\n');
  if (nl < 0) return false;
  if (b[0] !== 0x24) return true;
  const len = Number(b.subarray(1, nl).toString('latin1'));
  return !Number.isFinite(len) || len < 0 || b.length >= nl + 2 + len;
}

/** Redis PING (and INFO server when it answers). */
export const redis: ServiceModule = {
  service: 'redis',
  label: 'Redis',
  serverFirst: false,
  tlsFromStart: true,
  async talk(s, ctx) {
    s.write('PING\r\n');
    const b = await s.read(hasLine);
    const line = linesOf(b)[0] ?? '';
    if (line.startsWith('+PONG')) {
      s.write('INFO server\r\n');
      // Bounded: a server that answers PING but not INFO still gave its answer.
      const info = (await s.read((x) => x.length > b.length && wholeBulk(x.subarray(b.indexOf(0x0a) + 1)), ctx.greetingWaitMs)).subarray(b.indexOf(0x0a) + 1);
      const v = linesOf(info).find((l) => l.startsWith('redis_version:') || l.startsWith('valkey_version:'));
      const version = v ? printable(v.slice(v.indexOf(':') + 1), 40) : null;
      return { recognized: true, said: `answered PING with +PONG${version ? ` (version ${version})` : ''}`, auth: 'ok', version };
    }
    if (line.startsWith('-') && line.length > 1) {
      const word = line.slice(1).split(' ')[0] ?? '';
      const message = printable(line.slice(1), 200);
      const auth = word === 'NOAUTH' ? 'required' : word === 'WRONGPASS' || word === 'NOPERM' || word === 'DENIED' ? 'denied' : null;
      return { recognized: true, said: `answered PING with -${message}`, serverError: message, serverErrorCode: word, auth, blocking: word === 'DENIED' || word === 'LOADING' || word === 'MASTERDOWN' };
    }
    return notThis(b.length > 0 ? 'not a Redis answer to PING' : 'no answer to PING');
  },
};
