/**
 * What a plaintext client sees on a port: sends one HTTP request without TLS and classifies the
 * first answer (an HTTP response, TLS record bytes, a hang-up, silence). Used by the tls probe
 * to show plain-to-TLS mistakes and to read the plaintext a TLS client ran into.
 */
import { connect } from 'node:net';
import type { LookupFunction } from 'node:net';
import { firstLine, since } from './budget';
import { probeStep } from './step';
import type { PlainProbe } from './types';

/** Sends `GET / HTTP/1.1` in plaintext and reports the first answer; never throws. */
export function plainProbe(host: string, port: number, opts: { timeoutMs: number; signal?: AbortSignal; lookup?: LookupFunction; hostHeader: string }): Promise<PlainProbe> {
  const t0 = performance.now();
  const answer = (r: Omit<PlainProbe, 'ms'>): PlainProbe => ({ ...r, ms: since(t0) });
  return probeStep<PlainProbe>(opts, (step) => {
    const socket = connect({ host, port, lookup: opts.lookup, autoSelectFamily: true });
    const end = (r: Omit<PlainProbe, 'ms'>): void => step.finish(answer(r));
    let connected = false;
    socket.on('error', (err: NodeJS.ErrnoException) => {
      end(connected && err.code === 'ECONNRESET' ? { outcome: 'reset', code: err.code } : { outcome: 'error', code: err.code ?? 'ERROR' });
    });
    socket.once('connect', () => {
      connected = true;
      socket.write(`GET / HTTP/1.1\r\nHost: ${opts.hostHeader}\r\nUser-Agent: connection-doctor\r\nConnection: close\r\n\r\n`);
    });
    socket.once('data', (chunk: Buffer) => {
      const b0 = chunk[0];
      if (b0 === 0x15 || b0 === 0x16) end({ outcome: 'tls-alert', firstLine: chunk.subarray(0, 7).toString('hex') });
      else if (chunk.subarray(0, 5).toString('latin1') === 'HTTP/') end({ outcome: 'http', firstLine: firstLine(chunk) });
      else end({ outcome: 'data', firstLine: firstLine(chunk) });
    });
    socket.once('end', () => end({ outcome: 'closed' }));
    return {
      timeout: () => answer({ outcome: 'silent' }),
      abort: () => answer({ outcome: 'error', code: 'ABORTED' }),
      cleanup: () => socket.destroy(),
    };
  });
}
