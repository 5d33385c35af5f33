// Listeners a caller hands in (a run's onEvent, a model call's onRetry and onDelta) must not break
// what they watch: a throw is a warning, and so is a rejection of the promise an async one returns,
// which would otherwise be unhandled and end a Node process.
import { getLogger } from './logger.ts';
import { describeThrown } from './tools/stringify.ts';

/**
 * Calls `listener` with `value`. A throw, or a rejection of what it returns, is logged as a warning
 * (`${failed(value)}: reason`) and never reaches the caller. Returns a promise that settles (never
 * rejects) with what the listener returned, for a caller that waits for it; undefined when it
 * returned no promise.
 */
export function callListener<T>(
  listener: (value: T) => unknown,
  value: T,
  failed: (value: T) => string,
): Promise<void> | undefined {
  let returned: unknown;
  try {
    returned = listener(value);
  } catch (error) {
    warn(failed(value), error);
    return undefined;
  }
  // The usual listener returns nothing: no promise, no closure.
  if (!isThenable(returned)) return undefined;
  return Promise.resolve(returned).then(nothing, (error: unknown) => warn(failed(value), error));
}

function warn(what: string, error: unknown): void {
  getLogger().warn(`${what}: ${describeThrown(error)}`);
}

/** Whether `value` has a `then` method: a promise, or a thenable of another library or realm. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Does nothing: a `then` handler that drops a value without a closure per call. */
export function nothing(): void {
  return undefined;
}
