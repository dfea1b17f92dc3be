/**
 * SSH: the server sends its identification string first, `SSH-protoversion-softwareversion`
 * (RFC 4253 section 4.2); it may send other lines before it, which clients skip.
 */
import { printable } from '../budget';
import { linesOf, notThis } from './protocol';
import type { ServiceModule } from './protocol';

const versionLine = (b: Buffer): string | undefined => linesOf(b).find((l, i, all) => l.startsWith('SSH-') && (i < all.length - 1 || b.at(-1) === 0x0a));

/** SSH banner exchange. */
export const ssh: ServiceModule = {
  service: 'ssh',
  label: 'SSH',
  serverFirst: true,
  tlsFromStart: false,
  async talk(s, ctx) {
    const b = await s.read((x) => versionLine(x) !== undefined || x.length >= 2048, ctx.greetingWaitMs);
    const line = versionLine(b);
    if (!line) return notThis(b.length > 0 ? 'no SSH identification line' : 'no banner');
    const version = printable(line);
    const proto = version.split('-')[1] ?? '';
    return { recognized: true, said: `sent its banner ${version}`, version, details: { protocol: proto } };
  },
};
