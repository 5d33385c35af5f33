import { inspect } from 'node:util';
import { ToolExecutionError } from '../errors.ts';
import { redactSecrets } from '../secrets.ts';

/**
 * The error behind a failed tool call, as the developer sees it (events, step records, the verbose
 * trace): what the tool threw, unwrapped from core's ToolExecutionError when it is an Error, so its
 * own stack shows; otherwise the error itself (ToolInputError, a timeout, a wrapped non-Error).
 * An error holding a known secret anywhere (message, stack, cause, own fields) is replaced by a
 * redacted copy, see `withoutSecrets`.
 */
export function toolFailureError(error: unknown): Error | undefined {
  try {
    if (ToolExecutionError.isInstance(error) && error.cause instanceof Error) return withoutSecrets(error.cause);
    return error instanceof Error ? withoutSecrets(error) : undefined;
  } catch {
    // A revoked proxy throws even on instanceof: there is no error to show.
    return undefined;
  }
}

/**
 * The error itself when it holds no known secret; else a copy of the same class with only its name,
 * message and stack, redacted. Events and results are shown, logged and sent to dashboards, and a
 * tool's error often quotes an upstream reply that echoed a key: the original stays the
 * ToolExecutionError's `cause`, which never leaves the tool call.
 */
export function withoutSecrets(error: Error): Error {
  try {
    const text = inspect(error, { depth: 6, maxStringLength: null, breakLength: Infinity });
    if (redactSecrets(text) === text) return error;
  } catch {
    // A value whose getters or traps throw cannot be checked: copy it like a secret-holding one.
  }
  const copy = Object.create(Object.getPrototypeOf(error) as object | null) as Error;
  for (const field of ['name', 'message', 'stack'] as const) {
    let value: unknown;
    try {
      value = error[field];
    } catch {
      value = undefined;
    }
    if (typeof value === 'string') {
      Object.defineProperty(copy, field, { value: redactSecrets(value), writable: true, configurable: true });
    }
  }
  return copy;
}
