/**
 * PostgreSQL, the way libpq opens it with the default sslmode=prefer: an SSLRequest (the
 * 8-byte packet with code 80877103), one byte back ('S' TLS offered, 'N' not), then a
 * StartupMessage (protocol 3.0) whose first answer is an authentication request or an
 * ErrorResponse (PostgreSQL docs, "Message Flow" and "Message Formats"; libpq fe-connect.c).
 * The probe logs in as a made-up user: it learns how the server treats a client, not whether yours may log in.
 */
import { printable } from '../budget';
import { notThis } from './protocol';
import type { Reply, ServiceModule } from './protocol';
import type { Session } from './session';

/** SSLRequest: length 8, code 1234 << 16 | 5679. */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
/** The user and database the probe names (a role that should not exist). */
export const PROBE_USER = 'connection_doctor_probe';

/** A StartupMessage for protocol 3.0. */
export function startupMessage(user: string, database: string): Buffer {
  const params = Buffer.from(`user\0${user}\0database\0${database}\0application_name\0connection-doctor\0\0`, 'latin1');
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + params.length, 0);
  head.writeInt32BE(196608, 4);
  return Buffer.concat([head, params]);
}

const wholeMessage = (b: Buffer): boolean => b.length >= 5 && b.length >= 1 + b.readInt32BE(1);

/** The fields of an ErrorResponse / NoticeResponse body: type byte → value. */
export function errorFields(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < body.length && body[i] !== 0) {
    const type = String.fromCharCode(body[i]!);
    const end = body.indexOf(0, i + 1);
    if (end < 0) break;
    out[type] = body.subarray(i + 1, end).toString('utf8');
    i = end + 1;
  }
  return out;
}

const AUTH_METHODS: Readonly<Record<number, string>> = { 0: 'none (trust)', 2: 'Kerberos V5', 3: 'a cleartext password', 5: 'an MD5 password', 7: 'GSSAPI', 9: 'SSPI', 10: 'SASL' };
/** SQLSTATEs of errors that turn every client from here away (pg_hba has no entry, too many clients, starting/shutting down). */
const BLOCKING = new Set(['53300', '57P03', '57P01']);

/** Reads the answer to a StartupMessage. */
async function startup(s: Session, from: number, waitMs: number): Promise<Reply> {
  s.write(startupMessage(PROBE_USER, PROBE_USER));
  const b = (await s.read((x) => wholeMessage(x.subarray(from)))).subarray(from);
  if (!wholeMessage(b)) return notThis(b.length > 0 ? 'an incomplete answer to the StartupMessage' : 'no answer to the StartupMessage');
  const type = String.fromCharCode(b[0]!);
  const body = b.subarray(5, 1 + b.readInt32BE(1));
  if (type === 'R') {
    const code = body.length >= 4 ? body.readInt32BE(0) : -1;
    if (code === 0) {
      // Trust: the server goes on with ParameterStatus messages, server_version among them.
      const more = (await s.read((x) => x.includes('server_version\0') && x.indexOf(0, x.indexOf('server_version\0') + 15) > 0, waitMs)).subarray(from);
      const at = more.indexOf('server_version\0');
      const version = at >= 0 ? printable(more.subarray(at + 15, more.indexOf(0, at + 15))) : null;
      return { recognized: true, said: 'let the probe in without a password (trust)', auth: 'ok', version, details: { auth: 'trust' } };
    }
    const sasl = code === 10 ? body.subarray(4).toString('latin1').split('\0').filter((m) => m !== '').join(', ') : '';
    const method = code === 10 ? `SASL (${printable(sasl, 60)})` : (AUTH_METHODS[code] ?? `method ${code}`);
    return { recognized: true, said: `asked for ${method}`, auth: 'required', details: { auth: method } };
  }
  if (type === 'E') {
    const f = errorFields(body);
    const code = f.C ?? null;
    const message = printable(f.M ?? '', 200);
    // pg_hba.conf has hostssl lines only for this client: "... no encryption".
    const needsTls = code === '28000' && message.includes('no encryption');
    const auth = code?.startsWith('28') ? 'denied' : null;
    const hbaMissing = code === '28000' && message.includes('pg_hba.conf');
    return {
      recognized: true,
      said: `answered ${f.S ?? 'ERROR'} ${code ?? ''}: ${message}`,
      serverError: message,
      serverErrorCode: code,
      auth,
      ...(needsTls ? { tlsRequired: true } : {}),
      blocking: (code !== null && BLOCKING.has(code)) || (hbaMissing && !needsTls),
    };
  }
  return notThis(`answered the StartupMessage with message type ${printable(type)}`);
}

/** PostgreSQL SSLRequest and StartupMessage. */
export const postgres: ServiceModule = {
  service: 'postgresql',
  label: 'PostgreSQL',
  serverFirst: false,
  tlsFromStart: false,
  async talk(s, ctx) {
    s.write(SSL_REQUEST);
    const b = await s.read((x) => x.length >= 1);
    if (b.length === 0) return notThis('no answer to the SSLRequest');
    const first = b[0];
    if (b.length === 1 && first === 0x4e) {
      const r = await startup(s, 1, ctx.greetingWaitMs);
      return r.recognized ? { ...r, tlsOffered: false, said: `answered the SSLRequest with N (no TLS), then ${r.said}` } : { ...r, recognized: true, tlsOffered: false, said: `answered the SSLRequest with N (no TLS); ${r.said}` };
    }
    if (b.length === 1 && first === 0x53) {
      // TLS is offered; what a client without TLS gets is asked on a second, plaintext connection.
      const plain = await ctx.again((p) => startup(p, 0, ctx.greetingWaitMs));
      const r = plain.value;
      const after = r?.recognized ? `; without TLS it ${r.said}` : '';
      return { ...(r?.recognized ? r : {}), recognized: true, tlsOffered: true, said: `answered the SSLRequest with S (TLS offered)${after}` };
    }
    if (first === 0x45 && wholeMessage(b)) {
      // Servers older than 7.0 answer an SSLRequest with an error.
      const f = errorFields(b.subarray(5, 1 + b.readInt32BE(1)));
      return { recognized: true, said: `answered the SSLRequest with an error: ${printable(f.M ?? '')}`, tlsOffered: false, serverError: printable(f.M ?? ''), serverErrorCode: f.C ?? null };
    }
    return notThis('not a PostgreSQL answer to the SSLRequest');
  },
};
