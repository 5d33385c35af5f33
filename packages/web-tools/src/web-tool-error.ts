import { TinyAgentError } from '@tinyagent/core';
import type { TinyAgentErrorOptions } from '@tinyagent/core';
import { hasErrorCode } from '@tinyagent/core/internal';

/**
 * A failure the model can act on (a refused address, an HTTP error, a rejected search). The web
 * tools catch it and return its message as a result beginning `Error:`, instead of failing the
 * call. Search backends throw it for such failures; `retryAfterMs` asks web_search to try once more
 * after that wait, when it fits the tool's budget.
 */
export class WebToolError extends TinyAgentError {
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: TinyAgentErrorOptions & { retryAfterMs?: number | undefined } = {}) {
    super(message, { ...options, code: 'web_tool' });
    this.retryAfterMs = options.retryAfterMs;
  }

  /** True when `value` is a WebToolError, even from another installed copy of this package. */
  static isInstance(value: unknown): value is WebToolError {
    return hasErrorCode(value, 'web_tool');
  }
}
