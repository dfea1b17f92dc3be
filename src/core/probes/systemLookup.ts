/**
 * The system resolver (getaddrinfo: the hosts file, NSS, then DNS) asked in a child process.
 *
 * getaddrinfo cannot be cancelled: in-process, each call holds one of libuv's pool threads until a
 * silent resolver gives up (5 to 60 s), other lookups and file reads of the process queue behind it,
 * and Node cannot even exit before it returns. A child process is killed at the deadline instead,
 * so the probe's deadline holds and the caller's thread pool is never touched.
 */
import { spawn } from 'node:child_process';
import type { LookupAddress } from 'node:dns';

// Prints one JSON line: the addresses, or the error's code and message.
const CHILD = `require('node:dns').lookup(process.argv[1], { all: true, verbatim: true }, (e, a) => {
  process.stdout.write(JSON.stringify(e ? { code: e.code, message: e.message } : { addresses: a }));
});`;

/** Answers bigger than this are not an address list. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** Looks `host` up with getaddrinfo in a child process; rejects with the resolver's error code, or ABORTED when `signal` fires first. */
export function systemLookup(host: string, signal: AbortSignal): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(Object.assign(new Error('aborted'), { code: 'ABORTED' }));
    // The extension host's execPath is Electron's: ELECTRON_RUN_AS_NODE makes it a plain Node.
    const child = spawn(process.execPath, ['-e', CHILD, host], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'ignore'],
      windowsHide: true,
    });
    let out = '';
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = (): void => {
      child.kill('SIGKILL');
      finish(() => reject(Object.assign(new Error('aborted'), { code: 'ABORTED' })));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.length > MAX_ANSWER_BYTES) child.kill('SIGKILL');
    });
    child.on('error', (err) => finish(() => reject(err)));
    child.on('close', () =>
      finish(() => {
        try {
          const answer = JSON.parse(out) as { addresses?: LookupAddress[]; code?: string; message?: string };
          if (Array.isArray(answer.addresses)) resolve(answer.addresses);
          else reject(Object.assign(new Error(String(answer.message ?? 'lookup failed')), { code: String(answer.code ?? 'EAI_FAIL') }));
        } catch {
          reject(Object.assign(new Error('the lookup process gave no answer'), { code: 'EAI_FAIL' }));
        }
      }),
    );
  });
}
