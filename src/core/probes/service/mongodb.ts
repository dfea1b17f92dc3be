/**
 * MongoDB: the `hello` command in an OP_MSG (opCode 2013), as drivers open a connection since
 * MongoDB 3.6 / 5.0 (MongoDB wire protocol docs, "OP_MSG"; driver spec "Connection Handshake").
 * The reply's document gives ok, maxWireVersion, isWritablePrimary and setName.
 */
import { printable } from '../budget';
import { notThis } from './protocol';
import type { ServiceModule } from './protocol';

/** A tiny BSON document writer for { hello: 1, $db: "admin" }. */
function helloDocument(): Buffer {
  const parts = [Buffer.from([0x10]), Buffer.from('hello\0'), Buffer.from([1, 0, 0, 0]), Buffer.from([0x02]), Buffer.from('$db\0'), Buffer.from([6, 0, 0, 0]), Buffer.from('admin\0'), Buffer.from([0])];
  const body = Buffer.concat(parts);
  const size = Buffer.alloc(4);
  size.writeInt32LE(body.length + 4, 0);
  return Buffer.concat([size, body]);
}

/** The OP_MSG hello a driver sends. */
export function helloMessage(requestId = 1): Buffer {
  const doc = helloDocument();
  const head = Buffer.alloc(21);
  head.writeInt32LE(21 + doc.length, 0);
  head.writeInt32LE(requestId, 4);
  head.writeInt32LE(0, 8);
  head.writeInt32LE(2013, 12);
  head.writeUInt32LE(0, 16);
  head[20] = 0;
  return Buffer.concat([head, doc]);
}

/** Top-level scalar fields of a BSON document (strings, numbers, booleans); nested values are skipped. */
export function bsonFields(doc: Buffer): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  const end = Math.min(doc.length, doc.length >= 4 ? doc.readInt32LE(0) : 0);
  let i = 4;
  while (i < end - 1) {
    const type = doc[i]!;
    const nameEnd = doc.indexOf(0, i + 1);
    if (nameEnd < 0 || nameEnd >= end) break;
    const name = doc.subarray(i + 1, nameEnd).toString('utf8');
    let at = nameEnd + 1;
    const fixed: Record<number, number> = { 0x01: 8, 0x07: 12, 0x08: 1, 0x09: 8, 0x0a: 0, 0x10: 4, 0x11: 8, 0x12: 8, 0x13: 16, 0x7f: 0, 0xff: 0 };
    if (type === 0x01) out[name] = doc.readDoubleLE(at);
    else if (type === 0x08) out[name] = doc[at] === 1;
    else if (type === 0x10) out[name] = doc.readInt32LE(at);
    else if (type === 0x12) out[name] = Number(doc.readBigInt64LE(at));
    if (type === 0x02 || type === 0x0d || type === 0x0e) {
      const len = doc.readInt32LE(at);
      if (type === 0x02) out[name] = doc.subarray(at + 4, at + 4 + len - 1).toString('utf8');
      at += 4 + len;
    } else if (type === 0x03 || type === 0x04) {
      at += doc.readInt32LE(at);
    } else if (type === 0x05) {
      at += 4 + 1 + doc.readInt32LE(at);
    } else if (fixed[type] !== undefined) {
      at += fixed[type]!;
    } else {
      break;
    }
    i = at;
  }
  return out;
}

const wholeReply = (b: Buffer): boolean => b.length >= 4 && b.length >= b.readInt32LE(0);

/** MongoDB hello. */
export const mongodb: ServiceModule = {
  service: 'mongodb',
  label: 'MongoDB',
  serverFirst: false,
  tlsFromStart: true,
  async talk(s) {
    s.write(helloMessage());
    const b = await s.read((x) => wholeReply(x) || x.length >= 16 * 1024);
    if (b.length < 21 || !wholeReply(b) || b.readInt32LE(12) !== 2013) return notThis(b.length > 0 ? 'not a MongoDB OP_MSG reply' : 'no reply to hello');
    let f: Record<string, string | number | boolean> = {};
    try {
      f = bsonFields(b.subarray(21, b.readInt32LE(0)));
    } catch {
      return { recognized: true, said: 'replied to hello with an unreadable document' };
    }
    const details: Record<string, string | number | boolean> = {};
    for (const k of ['ok', 'maxWireVersion', 'isWritablePrimary', 'setName', 'msg']) if (f[k] !== undefined) details[k] = typeof f[k] === 'string' ? printable(String(f[k]), 60) : f[k]!;
    if (f.ok !== 1) {
      const message = printable(String(f.errmsg ?? 'not ok'), 200);
      const code = f.codeName !== undefined ? printable(String(f.codeName), 40) : null;
      return { recognized: true, said: `answered hello with an error: ${message}`, serverError: message, serverErrorCode: code, auth: code === 'Unauthorized' || code === 'AuthenticationFailed' ? 'denied' : null, details };
    }
    const role = f.isWritablePrimary === true ? 'a writable primary' : f.setName !== undefined ? `a member of replica set ${printable(String(f.setName), 40)}` : 'not primary';
    return { recognized: true, said: `answered hello: ${role}, maxWireVersion ${String(f.maxWireVersion ?? '?')}`, details };
  },
};
