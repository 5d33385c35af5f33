const brand = Symbol.for('@tinyagent/web-tools/error');

/**
 * A failure the model can act on (a refused address, an HTTP error, a rejected search). The web
 * tools catch it and return its message as a result beginning `Error:`, instead of failing the
 * call. Search backends throw it for such failures; `retryAfterMs` asks web_search to try once more
 * after that wait, when it fits the tool's budget.
 */
export class WebToolError extends Error {
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options?: ErrorOptions & { retryAfterMs?: number | undefined }) {
    super(message, options);
    this.name = 'WebToolError';
    this.retryAfterMs = options?.retryAfterMs;
    Object.defineProperty(this, brand, { value: true });
  }

  /** True when `value` is a WebToolError, even from another installed copy of this package. */
  static isInstance(value: unknown): value is WebToolError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}
