/** Throws the signal's reason when it has already been aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw abortReason(signal);
}

/** The error an aborted signal stands for: its `reason`, or a standard `AbortError` when it has none. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * Settles like `work`, unless `signal` aborts first: then rejects at once with the abort reason.
 * The abandoned `work` is still observed, so its later rejection is never unhandled.
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Resolves after `ms` milliseconds, or rejects with the abort reason as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortReason(signal));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = function (this: AbortSignal): void {
      clearTimeout(timer);
      reject(abortReason(this));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

// A run's tool calls all listen to the run's one signal. One listener per signal that calls a set
// of callbacks costs each call a set insertion, where EventTarget's own listeners cost it several
// times that in bookkeeping; every tool call of every run goes through here.
const waiting = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `callback` once when `signal` aborts, until it is deleted from the set returned (the one
 * all waiters on that signal share). For a signal not aborted yet: check `signal.aborted` first.
 */
export function whenAborted(signal: AbortSignal, callback: () => void): Set<() => void> {
  let callbacks = waiting.get(signal);
  if (callbacks === undefined) {
    const set = new Set<() => void>();
    callbacks = set;
    waiting.set(signal, set);
    signal.addEventListener('abort', () => callAll(signal, set), { once: true });
  }
  callbacks.add(callback);
  return callbacks;
}

function callAll(signal: AbortSignal, callbacks: Set<() => void>): void {
  waiting.delete(signal);
  for (const callback of callbacks) {
    try {
      callback();
    } catch (error) {
      // As EventTarget reports a listener that throws: uncaught, and the other callbacks still run.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
  callbacks.clear();
}
