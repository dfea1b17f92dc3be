/**
 * MySQL / MariaDB: the server sends the Initial Handshake Packet first (protocol version 10,
 * server version, capability flags; CLIENT_SSL is 0x800) or an ERR packet when it turns the
 * client away (1130 host not allowed, 1129 host blocked, 1040 too many connections).
 * Sources: MySQL "Protocol::HandshakeV10" and "ERR_Packet" (include/mysql_com.h CLIENT_SSL),
 * MariaDB "Connection" protocol docs.
 */
import { printable } from '../budget';
import { isMysqlPacket } from './sniff';
import { notThis } from './protocol';
import type { Reply, ServiceModule } from './protocol';

const CLIENT_SSL = 0x800;
const CLIENT_PLUGIN_AUTH = 0x80000;
/** Error numbers that turn every client from this host away. */
const BLOCKING = new Set([1129, 1130, 1040, 1203]);
const ACCESS = new Set([1045, 1129, 1130, 1698]);

const packetLength = (b: Buffer): number => b[0]! | (b[1]! << 8) | (b[2]! << 16);
const wholePacket = (b: Buffer): boolean => b.length >= 4 && b.length >= 4 + packetLength(b);

function cstring(b: Buffer, at: number): { text: string; next: number } {
  const end = b.indexOf(0, at);
  const stop = end < 0 ? b.length : end;
  return { text: b.subarray(at, stop).toString('latin1'), next: stop + 1 };
}

/** Parses a server greeting or ERR packet payload. */
export function parseGreeting(p: Buffer): Reply {
  if (p[0] === 0xff) {
    const errno = p.length >= 3 ? p.readUInt16LE(1) : 0;
    const hasState = p[3] === 0x23;
    const message = printable(p.subarray(hasState ? 9 : 3), 200);
    return {
      recognized: true, said: `refused the connection with error ${errno}: ${message}`, serverError: message, serverErrorCode: String(errno),
      auth: ACCESS.has(errno) ? 'denied' : null, blocking: BLOCKING.has(errno),
    };
  }
  const { text: version, next } = cstring(p, 1);
  // thread id (4), auth data part 1 (8), filler (1), capability flags lower 2 bytes.
  let at = next + 4 + 8 + 1;
  if (p.length < at + 2) return { recognized: true, said: `greeted as ${printable(version)} (short greeting)`, version: printable(version) };
  let caps = p.readUInt16LE(at);
  at += 2;
  let plugin = '';
  if (p.length >= at + 5) {
    // character set (1), status flags (2), capability flags upper 2 bytes.
    caps |= p.readUInt16LE(at + 3) << 16;
    const authLen = p[at + 5] ?? 0;
    // auth data length (1), reserved (10), auth data part 2 (max(13, len - 8)), plugin name.
    const pluginAt = at + 6 + 10 + Math.max(13, authLen - 8);
    if ((caps & CLIENT_PLUGIN_AUTH) !== 0 && p.length > pluginAt) plugin = cstring(p, pluginAt).text;
  }
  const tls = (caps & CLIENT_SSL) !== 0;
  const v = printable(version);
  return {
    recognized: true,
    said: `greeted as ${v} (protocol ${p[0]}), ${tls ? 'TLS offered' : 'no TLS (CLIENT_SSL not set)'}${plugin ? `, auth plugin ${printable(plugin)}` : ''}`,
    version: v,
    tlsOffered: tls,
    details: { protocol: p[0] ?? 0, capabilities: `0x${(caps >>> 0).toString(16)}`, ...(plugin ? { authPlugin: printable(plugin) } : {}) },
  };
}

/** MySQL / MariaDB server greeting. */
export const mysql: ServiceModule = {
  service: 'mysql',
  label: 'MySQL/MariaDB',
  serverFirst: true,
  tlsFromStart: false,
  async talk(s, ctx) {
    const b = await s.read((x) => wholePacket(x) || x.length >= 4096 || (x.length >= 5 && !isMysqlPacket(x)), ctx.greetingWaitMs);
    if (!isMysqlPacket(b) || !wholePacket(b)) return notThis(b.length > 0 ? 'not a MySQL greeting' : 'no greeting');
    return parseGreeting(b.subarray(4, 4 + packetLength(b)));
  },
};
