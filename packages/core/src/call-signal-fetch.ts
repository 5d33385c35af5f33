// How a model call's signal reaches the HTTP request of the OpenAI clients TinyAgent builds itself.
// Handed a `signal`, the openai SDK composes it with one of its own through AbortSignal.any on
// every request, whose weak references cost CPU and garbage collection on every model turn, which a
// loop that passes no signal never pays (see the bench's profiles). These clients get no signal;
// their `fetch` takes the call's signal from the async context instead, so an abort still cancels
// the request in flight.
import { AsyncLocalStorage } from 'node:async_hooks';
import { dispatcherFetch } from './dispatcher-fetch.ts';

const callSignal = new AsyncLocalStorage<AbortSignal>();

/** Runs `work` (which sends requests through `callSignalFetch`) with `signal` as the call's signal. */
export function withCallSignal<T>(signal: AbortSignal, work: () => T): T {
  return callSignal.run(signal, work);
}

/** `fetch` (through `dispatcherFetch`) with the signal of the model call it runs in, for clients built with it. */
export function callSignalFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  return dispatcherFetch(input, { ...init, signal: callSignal.getStore() ?? init?.signal ?? null });
}
