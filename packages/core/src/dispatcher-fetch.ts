// A `fetch` for the OpenAI clients TinyAgent builds itself, sent through the same undici dispatcher
// Node's own fetch uses (so the same connection pool, proxy settings from NODE_USE_ENV_PROXY and
// any `setGlobalDispatcher` apply) but without fetch's per-request WHATWG machinery: request
// cloning, header guards, fetch-controller bookkeeping. Profiles of the bench put that machinery
// at about a third of ReactAgent's CPU per model turn (see docs/benchmarks.md).
//
// Only plain requests take this path: a string or URL, an http(s) URL without credentials, a
// string or byte body, redirects followed. Anything else, or no dispatcher yet (Node creates it on
// the first fetch), goes to the global fetch unchanged. Redirects are rare for a model server, so
// one is handed to fetch too, which sends the request again and follows it.
//
// Dispatch uses undici's original handler interface (onConnect, onHeaders, onData, onComplete,
// onError): it is the one undici itself runs on, in every version Node 22 and 24 ship.

import { abortReason } from './abort.ts';

/** The part of an undici dispatcher this module uses. */
interface Dispatcher {
  dispatch(options: DispatchOptions, handler: DispatchHandler): boolean;
}

interface DispatchOptions {
  origin: string;
  path: string;
  method: string;
  headers: string[];
  body: string | Uint8Array | null;
}

interface DispatchHandler {
  onConnect(abort: (reason?: unknown) => void): void;
  onHeaders(status: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean;
  onData(chunk: Buffer): boolean;
  onComplete(trailers: unknown): void;
  onError(error: Error): void;
}

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');
const NULL_BODY_STATUS = new Set([204, 205, 304]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
type Compression = ConstructorParameters<typeof DecompressionStream>[0];
const DECODABLE = new Map<string, Compression>([
  ['gzip', 'gzip'],
  ['x-gzip', 'gzip'],
  ['deflate', 'deflate'],
  ['br', 'brotli'],
]);

/** Same contract as the global `fetch` for the requests the OpenAI SDK sends; falls back to it otherwise. */
export function dispatcherFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const dispatcher = (globalThis as Record<symbol, Dispatcher | undefined>)[GLOBAL_DISPATCHER];
  const body = init?.body ?? null;
  if (
    dispatcher === undefined ||
    input instanceof Request ||
    (body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) ||
    (init?.redirect !== undefined && init.redirect !== 'follow')
  ) {
    return fetch(input, init);
  }
  const url = new URL(input);
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') {
    return fetch(input, init);
  }
  const signal = init?.signal ?? undefined;
  if (signal?.aborted === true) return Promise.reject(abortReason(signal));
  return new Promise<Response>((resolve, reject) => {
    const request: DispatchOptions = {
      origin: url.origin,
      path: url.pathname + url.search,
      method: init?.method ?? 'GET',
      headers: flattenHeaders(init?.headers),
      body,
    };
    let abort: ((reason?: unknown) => void) | undefined;
    let sink: ReadableStreamDefaultController<Uint8Array> | undefined;
    let resumeReading: (() => void) | undefined;
    let paused = false;
    let responded = false;
    let finished = false;
    const onAbort = function (this: AbortSignal): void {
      abort?.(abortReason(this));
    };
    const finish = (): void => {
      finished = true;
      signal?.removeEventListener('abort', onAbort);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const bodyStream = (headers: Headers): ReadableStream<Uint8Array> => {
      const stream = new ReadableStream<Uint8Array>({
        start: (controller) => {
          sink = controller;
        },
        pull: () => {
          if (paused) {
            paused = false;
            resumeReading?.();
          }
        },
        cancel: (reason) => {
          finish();
          abort?.(reason instanceof Error ? reason : new Error('response body cancelled'));
        },
      });
      return decode(stream, headers.get('content-encoding'));
    };
    const handler: DispatchHandler = {
      onConnect(abortRequest) {
        abort = abortRequest;
        if (signal?.aborted === true) abortRequest(abortReason(signal));
      },
      onHeaders(status, rawHeaders, resume, statusText) {
        if (status < 200) return true; // 1xx informational replies precede the real one
        try {
          const headers = new Headers();
          for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
            headers.append(
              String(rawHeaders[index]?.toString('latin1')),
              String(rawHeaders[index + 1]?.toString('latin1')),
            );
          }
          if (REDIRECT_STATUS.has(status) && headers.has('location')) {
            finish();
            abort?.(new Error('redirect handed to fetch'));
            fetch(input, init).then(resolve, reject);
            return false;
          }
          resumeReading = resume;
          const stream = NULL_BODY_STATUS.has(status) || request.method === 'HEAD' ? null : bodyStream(headers);
          const response = new Response(stream, { status, statusText, headers });
          Object.defineProperty(response, 'url', { value: url.href });
          responded = true;
          resolve(response);
          return true;
        } catch (error) {
          // A reply fetch could not represent either (a malformed header, a status past 599).
          finish();
          abort?.(error);
          reject(new TypeError('fetch failed', { cause: error }));
          return false;
        }
      },
      onData(chunk) {
        // undici repeats empty chunks while a closed socket stays paused; they carry nothing.
        if (sink === undefined || finished || chunk.length === 0) return true;
        sink.enqueue(chunk);
        paused = (sink.desiredSize ?? 1) <= 0;
        return !paused;
      },
      onComplete() {
        if (finished) return;
        finish();
        sink?.close();
      },
      onError(error) {
        if (finished) return;
        finish();
        const failure = (wrapped: string): unknown =>
          signal?.aborted === true ? abortReason(signal) : new TypeError(wrapped, { cause: error });
        if (!responded) reject(failure('fetch failed'));
        else sink?.error(failure('terminated'));
      },
    };
    try {
      dispatcher.dispatch(request, handler);
    } catch (error) {
      finish();
      reject(new TypeError('fetch failed', { cause: error }));
    }
  });
}

function flattenHeaders(headers: RequestInit['headers']): string[] {
  const flat: string[] = [];
  if (headers === undefined) return flat;
  const entries: Iterable<[string, string | undefined]> =
    headers instanceof Headers || Array.isArray(headers)
      ? (headers as Iterable<[string, string | undefined]>)
      : Object.entries(headers);
  for (const [name, value] of entries) if (value !== undefined) flat.push(name, value);
  return flat;
}

// Node's fetch decodes compressed bodies; the SDK expects that. TinyAgent sends no Accept-Encoding,
// so a server compresses only when it ignores that, and then this keeps the behaviour the same.
function decode(stream: ReadableStream<Uint8Array>, encoding: string | null): ReadableStream<Uint8Array> {
  const format = encoding === null ? undefined : DECODABLE.get(encoding.trim().toLowerCase());
  if (format === undefined) return stream;
  return stream.pipeThrough(new DecompressionStream(format));
}
