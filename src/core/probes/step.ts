/**
 * The one lifetime every socket step of a probe has: it finishes once, on its own deadline
 * (an unref'd timer: the socket keeps the loop alive, not the guard), on the caller's abort
 * (also when already aborted), or when the step says so; then its cleanup runs.
 */

/** What a step is told when it starts. */
export interface Step<T> {
  /** Ends the step with this value; later calls do nothing. */
  finish(value: T): void;
  /** The step has ended (an event that arrives later must not start new work). */
  readonly done: boolean;
}

/** What the step answers with when its deadline passes or it is aborted, and how it releases its sockets. */
export interface StepHandlers<T> {
  timeout: () => T;
  abort: () => T;
  /** Runs once, after the value is settled: destroy sockets, clear the step's own timers. */
  cleanup?: (value: T) => void;
}

/** Options of a step. */
export interface StepOptions {
  /** Deadline from the call (time the body takes to build its sockets counts). */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Runs a socket step: `body` opens its sockets and returns its handlers; resolves once, never rejects unless body throws. */
export function probeStep<T>(opts: StepOptions, body: (step: Step<T>) => StepHandlers<T>): Promise<T> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    let done = false;
    let handlers: StepHandlers<T> | null = null;
    let settled: { value: T } | null = null;
    let timer: NodeJS.Timeout | undefined = undefined;
    const onAbort = (): void => {
      if (handlers) step.finish(handlers.abort());
    };
    const step: Step<T> = {
      finish(value: T): void {
        if (done) return;
        done = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        settled = { value };
        handlers?.cleanup?.(value);
        resolve(value);
      },
      get done(): boolean {
        return done;
      },
    };
    handlers = body(step);
    if (settled !== null) {
      // The body finished before it returned its handlers: release what it opened.
      handlers.cleanup?.((settled as { value: T }).value);
      return;
    }
    const left = Math.max(0, opts.timeoutMs - (performance.now() - t0));
    const h = handlers;
    timer = setTimeout(() => step.finish(h.timeout()), left);
    timer.unref();
    if (opts.signal?.aborted) queueMicrotask(onAbort);
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
