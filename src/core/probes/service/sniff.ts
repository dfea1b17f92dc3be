/**
 * Names the protocol of a server's first bytes, whatever the probe sent: the greetings that
 * servers send unasked (SSH, MySQL, SMTP, IMAP, POP3, FTP, VNC) and the answers every server
 * gives to a request it cannot read (HTTP 400, a TLS alert, a Redis -ERR, a PostgreSQL ErrorResponse).
 */
import type { SpokenProtocol } from '../types';

const starts = (b: Buffer, text: string): boolean => b.subarray(0, text.length).toString('latin1') === text;

/** The protocol these bytes belong to, or null when they are not recognisable. */
export function spokenBy(b: Buffer): SpokenProtocol | null {
  if (b.length === 0) return null;
  if (starts(b, 'SSH-')) return 'ssh';
  if (starts(b, 'HTTP/')) return 'http';
  // A TLS record: alert (21) or handshake (22), then the major version 3.
  if ((b[0] === 0x15 || b[0] === 0x16) && b[1] === 0x03) return 'tls';
  if (starts(b, '+OK')) return 'pop3';
  if (starts(b, '* OK') || starts(b, '* PREAUTH') || starts(b, '* BYE')) return 'imap';
  if (starts(b, 'RFB ')) return 'vnc';
  if (starts(b, 'AMQP')) return 'amqp';
  if (b.length >= 4 && b.subarray(0, 3).toString('latin1').split('').every((c) => c >= '0' && c <= '9') && (b[3] === 0x20 || b[3] === 0x2d)) {
    // 220 greets both SMTP and FTP; FTP servers name themselves in it.
    const line = b.subarray(0, 200).toString('latin1').toLowerCase();
    return line.includes('ftp') ? 'ftp' : 'smtp';
  }
  if (starts(b, '+PONG') || starts(b, '-ERR') || starts(b, '-NOAUTH') || starts(b, '-DENIED') || starts(b, '-WRONGPASS') || starts(b, '-NOPERM')) return 'redis';
  if (isMysqlPacket(b)) return 'mysql';
  if (isPostgresMessage(b)) return 'postgresql';
  if (isMongoReply(b)) return 'mongodb';
  return null;
}

/** A MySQL/MariaDB packet: 3-byte length, sequence 0, then a greeting (protocol 10) or an ERR packet (0xff). */
export function isMysqlPacket(b: Buffer): boolean {
  if (b.length < 5) return false;
  const len = b[0]! | (b[1]! << 8) | (b[2]! << 16);
  return b[3] === 0 && len > 0 && len < 0x10000 && (b[4] === 0x0a || b[4] === 0xff);
}

/** A PostgreSQL ErrorResponse / NoticeResponse: 'E' or 'N', an int32 length, then a field type (S, V, C, M). */
export function isPostgresMessage(b: Buffer): boolean {
  if (b.length < 6 || (b[0] !== 0x45 && b[0] !== 0x4e)) return false;
  const len = b.readInt32BE(1);
  return len >= 5 && len < 0x10000 && [0x53, 0x56, 0x43, 0x4d].includes(b[5]!);
}

/** A MongoDB reply: int32 length, then at offset 12 the OP_MSG (2013) or OP_REPLY (1) code. */
export function isMongoReply(b: Buffer): boolean {
  if (b.length < 16) return false;
  const len = b.readInt32LE(0);
  const op = b.readInt32LE(12);
  return len >= 16 && len < 48 * 1024 * 1024 && (op === 2013 || op === 1);
}
