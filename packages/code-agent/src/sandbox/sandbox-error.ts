import { TinyAgentError } from '@tinyagent/core';
import type { TinyAgentErrorOptions } from '@tinyagent/core';
import { hasErrorCode } from '@tinyagent/core/internal';

/**
 * The sandbox itself failed — its worker thread crashed or could not start — as opposed to the model's
 * code failing inside it (that is an observation for the model). The executor replaces the worker; the
 * sandbox state of the run is lost.
 */
export class SandboxError extends TinyAgentError {
  constructor(message: string, options: TinyAgentErrorOptions = {}) {
    super(message, { ...options, code: 'sandbox' });
  }

  /** True when `value` is a SandboxError from any installed copy of the package. */
  static isInstance(value: unknown): value is SandboxError {
    return hasErrorCode(value, 'sandbox');
  }
}
