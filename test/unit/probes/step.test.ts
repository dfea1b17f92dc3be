import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { parseDiagnoseArgs } from '../../../src/cli/diagnoseArgs';
import { CONFIG_BOUNDS } from '../../../src/host/model/configModel';
import { MAX_ATTEMPTS } from '../../../src/core/probes/limits';
import { repeatProbe } from '../../../src/core/probes/repeat';
import { probeStep } from '../../../src/core/probes/step';
import { refusedPort } from '../../support/refusedPort';
import { settleSockets, socketCount, target } from './helpers';

const refTimers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('probeStep: the one socket lifetime of every probe', () => {
  it('finishes once: the first value wins and cleanup runs once with it', async () => {
    const cleaned: string[] = [];
    const value = await probeStep<string>({ timeoutMs: 1000 }, (step) => {
      setImmediate(() => {
        step.finish('first');
        step.finish('second');
      });
      return { timeout: () => 'timeout', abort: () => 'abort', cleanup: (v) => cleaned.push(v) };
    });
    assert.equal(value, 'first');
    assert.deepEqual(cleaned, ['first']);
  });

  it('answers with the timeout value at its deadline, and its guard timer keeps no process alive', async () => {
    await Promise.resolve(); // mocha arms its own test timer once the test function returns
    const before = refTimers();
    let during = -1;
    const value = await probeStep<string>({ timeoutMs: 30 }, () => {
      queueMicrotask(() => (during = refTimers()));
      return { timeout: () => 'timeout', abort: () => 'abort' };
    });
    assert.equal(value, 'timeout');
    assert.equal(during, before, 'the deadline timer is unref\'d');
  });

  it('answers with the abort value when the signal fires, also when it was aborted before the start', async () => {
    const ac = new AbortController();
    const running = probeStep<string>({ timeoutMs: 5000, signal: ac.signal }, () => ({ timeout: () => 'timeout', abort: () => 'abort' }));
    setImmediate(() => ac.abort());
    assert.equal(await running, 'abort');
    assert.equal(await probeStep<string>({ timeoutMs: 5000, signal: ac.signal }, () => ({ timeout: () => 'timeout', abort: () => 'abort' })), 'abort');
  });

  it('leaves no listener on the caller\'s signal once finished', async () => {
    const ac = new AbortController();
    let aborts = 0;
    await probeStep<string>({ timeoutMs: 5000, signal: ac.signal }, (step) => {
      setImmediate(() => step.finish('done'));
      return { timeout: () => 'timeout', abort: () => String(++aborts) };
    });
    ac.abort();
    assert.equal(aborts, 0);
  });

  it('releases what the body opened when the body finished before returning its handlers', async () => {
    let cleaned = 0;
    const value = await probeStep<string>({ timeoutMs: 5000 }, (step) => {
      step.finish('early');
      return { timeout: () => 'timeout', abort: () => 'abort', cleanup: () => void cleaned++ };
    });
    assert.equal(value, 'early');
    assert.equal(cleaned, 1);
  });

  it('closes a real socket on each way out (finish, deadline, abort)', async () => {
    const sockets: Socket[] = [];
    const server: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const base = socketCount();
    const { connect } = await import('node:net');
    const open = (timeoutMs: number, signal?: AbortSignal, finishOnConnect = false): Promise<string> =>
      probeStep<string>({ timeoutMs, ...(signal ? { signal } : {}) }, (step) => {
        const socket = connect({ host: '127.0.0.1', port });
        if (finishOnConnect) socket.once('connect', () => step.finish('connected'));
        return { timeout: () => 'timeout', abort: () => 'abort', cleanup: () => socket.destroy() };
      });
    const ac = new AbortController();
    const results = await Promise.all([open(5000, undefined, true), open(50), open(5000, ac.signal).finally(() => undefined), (async () => { await new Promise((r) => setTimeout(r, 20)); ac.abort(); return 'aborter'; })()]);
    assert.deepEqual(results, ['connected', 'timeout', 'abort', 'aborter']);
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
    assert.ok((await settleSockets(base)) <= base, 'no socket of the step is left open');
  });
});

describe('limits: what a user may ask for is what a probe accepts', () => {
  it('the CLI takes --attempts up to MAX_ATTEMPTS and refuses one more', () => {
    const ok = parseDiagnoseArgs(['--attempts', String(MAX_ATTEMPTS), '127.0.0.1:1']);
    assert.ok(!('error' in ok) && ok.attempts === MAX_ATTEMPTS);
    const over = parseDiagnoseArgs(['--attempts', String(MAX_ATTEMPTS + 1), '127.0.0.1:1']);
    assert.ok('error' in over && over.error.includes(`1 to ${MAX_ATTEMPTS}`));
  });

  it('the repeatAttempts setting has the same bound, in the settings model and in package.json', () => {
    assert.equal(CONFIG_BOUNDS.repeatAttempts.max, MAX_ATTEMPTS);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { configuration: { properties: Record<string, { maximum?: number }> } } };
    assert.equal(pkg.contributes.configuration.properties['connectionDoctor.repeatAttempts']?.maximum, MAX_ATTEMPTS);
  });

  it('the repeat probe runs every attempt the CLI accepts, and no more than that', async () => {
    const port = await refusedPort();
    const atMax = await repeatProbe(target(`127.0.0.1:${port}`), { env: {}, attempts: MAX_ATTEMPTS, spacingMs: 0, timeoutMs: 2000 });
    assert.equal(atMax.data.outcomes.length, MAX_ATTEMPTS);
    const over = await repeatProbe(target(`127.0.0.1:${port}`), { env: {}, attempts: MAX_ATTEMPTS + 10, spacingMs: 0, timeoutMs: 2000 });
    assert.equal(over.data.outcomes.length, MAX_ATTEMPTS);
  });
});
