/**
 * Time budgets, abort plumbing and the never-throw wrapper every probe goes through.
 * Every timer is cleared when its probe step ends, so none outlives a probe; timers that guard a
 * socket are unref'd (the socket keeps the loop alive), timers a probe waits on are not.
 */
import type { ProbeId, ProbeResult, ProbeStatus } from '../types';
import { DEFAULT_TIMEOUT_MS, TEXT_CAP } from './limits';
import type { ErrorInfo, ProbeContext } from './types';

/** The timeout to use: ctx.timeoutMs when it is a positive finite number, else the default. */
export function timeoutOf(ctx: Pick<ProbeContext, 'timeoutMs'>): number {
  const t = ctx.timeoutMs;
  return t !== undefined && Number.isFinite(t) && t > 0 ? t : DEFAULT_TIMEOUT_MS;
}

/** The time a probe may still use: its own timeout, cut by the shared deadline. */
export function budgetOf(ctx: ProbeContext, startedAt: number = Date.now()): number {
  const own = startedAt + timeoutOf(ctx);
  const end = ctx.deadline !== undefined ? Math.min(own, ctx.deadline) : own;
  return Math.max(0, end - Date.now());
}

/** Milliseconds since `start`, rounded to 0.1 ms. */
export function since(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}

/** A signal that fires on the outer signal or after `ms`; call dispose() to clear the timer. */
export function timeoutSignal(ms: number, outer?: AbortSignal): { signal: AbortSignal; dispose: () => void; timedOut: () => boolean } {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('timeout'));
  }, Math.max(0, ms));
  const onAbort = (): void => controller.abort(outer?.reason);
  if (outer) {
    if (outer.aborted) controller.abort(outer.reason);
    else outer.addEventListener('abort', onAbort, { once: true });
  }
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}

/** Waits `ms`, resolving early (never rejecting) when the signal aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    // Not unref'd: the caller is waiting on it, and with idle sockets unref'd the process would exit mid-probe.
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Reduces anything thrown or emitted to `{code, message}`. */
export function errorInfo(err: unknown): ErrorInfo {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return { code: typeof code === 'string' ? code : 'ERROR', message: err.message };
  }
  return { code: 'ERROR', message: String(err) };
}

/** The code a probe reports when it stopped on its own timeout or on the caller's abort. */
export function stopCode(signal: AbortSignal | undefined): 'ABORTED' | 'ETIMEDOUT' {
  return signal?.aborted ? 'ABORTED' : 'ETIMEDOUT';
}

/** Builds a result. */
export function result<D>(id: ProbeId, status: ProbeStatus, ms: number, summary: string, data: D, error?: ErrorInfo): ProbeResult<D> {
  return error ? { id, status, ms, summary, data, error } : { id, status, ms, summary, data };
}

/** Runs a probe body; anything it throws becomes a 'fail' result, so probes never throw. */
export async function guarded<D>(id: ProbeId, fallback: () => D, body: (started: number) => Promise<ProbeResult<D>>): Promise<ProbeResult<D>> {
  const started = performance.now();
  try {
    return await body(started);
  } catch (err) {
    const info = errorInfo(err);
    return result(id, 'fail', since(started), `${id} probe failed unexpectedly: ${info.message}`, fallback(), info);
  }
}

/** Printable ASCII of untrusted bytes (control characters become '.'), cut to `max` chars. */
export function printable(bytes: Buffer | string, max = TEXT_CAP): string {
  const text = typeof bytes === 'string' ? bytes : bytes.subarray(0, max * 2).toString('latin1');
  let out = '';
  for (const ch of text) {
    if (out.length >= max) break;
    const c = ch.charCodeAt(0);
    out += c >= 0x20 && c < 0x7f ? ch : '.';
  }
  return out;
}

/** The first line of untrusted bytes, printable, at most `max` chars. */
export function firstLine(bytes: Buffer, max = TEXT_CAP): string {
  const nl = bytes.indexOf(0x0a);
  const line = nl >= 0 ? bytes.subarray(0, nl) : bytes;
  return printable(line, max).replace(/\.$/, '');
}
