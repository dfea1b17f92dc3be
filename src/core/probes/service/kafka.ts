/**
 * Kafka: an ApiVersions request (api key 18, version 0), as clients send first; the broker
 * answers with the same correlation id, an error code and its API version ranges
 * (Kafka protocol guide, "ApiVersions API").
 */
import { notThis } from './protocol';
import type { ServiceModule } from './protocol';

const CORRELATION = 0x43440001;

/** An ApiVersions v0 request. */
export function apiVersionsRequest(): Buffer {
  const client = Buffer.from('connection-doctor');
  const body = Buffer.alloc(10 + client.length);
  body.writeInt16BE(18, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(CORRELATION, 4);
  body.writeInt16BE(client.length, 8);
  client.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

const whole = (b: Buffer): boolean => b.length >= 4 && (b.readInt32BE(0) > 1 << 20 || b.length >= 4 + b.readInt32BE(0));

/** Kafka ApiVersions. */
export const kafka: ServiceModule = {
  service: 'kafka',
  label: 'Kafka',
  serverFirst: false,
  tlsFromStart: true,
  async talk(s) {
    s.write(apiVersionsRequest());
    const b = await s.read(whole);
    if (b.length < 14 || !whole(b) || b.readInt32BE(4) !== CORRELATION) return notThis(b.length > 0 ? 'not a Kafka ApiVersions response' : 'no answer to ApiVersions');
    const error = b.readInt16BE(8);
    const count = b.readInt32BE(10);
    return error === 0
      ? { recognized: true, said: `answered ApiVersions with ${count} APIs`, details: { apis: count } }
      : { recognized: true, said: `answered ApiVersions with error ${error}`, serverErrorCode: String(error), details: { apis: count } };
  },
};
