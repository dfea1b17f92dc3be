/** Shared helpers of the probe tests. */
import { strict as assert } from 'node:assert';
import { parseTarget } from '../../../src/core/probes/target';
import type { ProbeResult, Target } from '../../../src/core/types';
import type { FaultServer } from '../../faults/servers';

/** A target from text, failing the test when it does not parse. */
export function target(input: string): Target {
  const t = parseTarget(input);
  if ('error' in t) assert.fail(t.error);
  return t;
}

/** TCP sockets (and pending connects) of this process right now. */
export function socketCount(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPWRAP' || r === 'ConnectWrap' || r === 'TLSWrap').length;
}

/** Waits until the socket count drops to `limit` (closing handles take a few ticks); returns the last count. */
export async function settleSockets(limit: number, maxMs = 2000): Promise<number> {
  const until = Date.now() + maxMs;
  let n = socketCount();
  while (n > limit && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
    n = socketCount();
  }
  return n;
}

/** Asserts a result has the shape every probe promises. */
export function assertShape(r: ProbeResult<unknown>): void {
  assert.ok(['ok', 'fail', 'skipped'].includes(r.status));
  assert.equal(typeof r.ms, 'number');
  assert.equal(typeof r.summary, 'string');
  assert.ok(r.summary.length > 0);
  assert.ok(r.data !== null && typeof r.data === 'object');
}

/**
 * Fault servers started in one describe block, all closed after each test. Call in
 * the describe body (it registers the afterEach hook); `start` tracks a server.
 */
export function useServers(): { servers: FaultServer[]; start: (s: Promise<FaultServer>) => Promise<FaultServer> } {
  const servers: FaultServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  return {
    servers,
    start: async (s) => {
      const server = await s;
      servers.push(server);
      return server;
    },
  };
}
