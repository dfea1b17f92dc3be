/**
 * AMQP 0-9-1: the client sends the protocol header `AMQP 0 0 9 1`; the server answers with a
 * Connection.Start method frame (class 10, method 10) whose server-properties name the product
 * and version, or with its own protocol header when it wants another version (AMQP 0-9-1 spec, 4.2.2).
 */
import { printable } from '../budget';
import { notThis } from './protocol';
import type { ServiceModule } from './protocol';

const HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1]);

const wholeFrame = (b: Buffer): boolean => (b.length >= 8 && b.subarray(0, 4).toString('latin1') === 'AMQP') || (b.length >= 7 && b.length >= 8 + b.readUInt32BE(3));

/** `product` and `version` of a server-properties field table ('S' long strings; other types skipped when their size is known). */
export function tableStrings(t: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  const sizes: Record<string, number> = { t: 1, b: 1, B: 1, s: 2, u: 2, I: 4, i: 4, f: 4, l: 8, d: 8, T: 8, D: 5, V: 0 };
  let i = 0;
  while (i < t.length) {
    const klen = t[i]!;
    const key = t.subarray(i + 1, i + 1 + klen).toString('latin1');
    let at = i + 1 + klen;
    const type = String.fromCharCode(t[at]!);
    at += 1;
    if (type === 'S' || type === 'F' || type === 'A' || type === 'x') {
      const len = t.readUInt32BE(at);
      if (type === 'S') out[key] = t.subarray(at + 4, at + 4 + len).toString('utf8');
      at += 4 + len;
    } else if (sizes[type] !== undefined) at += sizes[type]!;
    else break;
    i = at;
  }
  return out;
}

/** AMQP protocol header. */
export const amqp: ServiceModule = {
  service: 'amqp',
  label: 'AMQP',
  serverFirst: false,
  tlsFromStart: true,
  async talk(s) {
    s.write(HEADER);
    const b = await s.read(wholeFrame);
    if (b.length >= 8 && b.subarray(0, 4).toString('latin1') === 'AMQP') {
      return { recognized: true, said: `wants protocol version ${b[5]}-${b[6]}-${b[7]} instead of 0-9-1`, serverErrorCode: 'VERSION', details: { wants: `${b[5]}-${b[6]}-${b[7]}` } };
    }
    if (!wholeFrame(b) || b[0] !== 1 || b.readUInt16BE(7) !== 10 || b.readUInt16BE(9) !== 10) return notThis(b.length > 0 ? 'not an AMQP Connection.Start' : 'no answer to the protocol header');
    let props: Record<string, string> = {};
    try {
      const len = b.readUInt32BE(13);
      props = tableStrings(b.subarray(17, 17 + len));
    } catch {
      props = {};
    }
    const version = props.product ? printable(`${props.product} ${props.version ?? ''}`.trim(), 80) : null;
    return { recognized: true, said: `answered Connection.Start (AMQP ${b[11]}-${b[12]})${version ? ` from ${version}` : ''}`, version };
  },
};
