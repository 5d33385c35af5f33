import { context, propagation } from '@opentelemetry/api';

/**
 * A `fetch` that adds the active trace context to each request's headers (`traceparent`, and
 * whatever the registered propagator writes), for the `openai` client's `fetch` option: the model
 * requests of a traced run then carry the span of their `chat` call. Without a registered
 * propagator it passes requests through untouched.
 */
export function tracedFetch(base: typeof fetch = globalThis.fetch): typeof fetch {
  return (input, init) => {
    // The default (no-op) propagator writes no fields: nothing to add, nothing to copy.
    if (propagation.fields().length === 0) return base(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    propagation.inject(context.active(), headers, {
      set: (carrier, key, value) => carrier.set(key, value),
    });
    return base(input, { ...init, headers });
  };
}
