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
import { BufferedResponse } from './buffered-response.ts';

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
// JSON replies up to this size are collected whole and handed over as a BufferedResponse; a larger
// one is streamed from where it got to, with back-pressure.
const BUFFER_LIMIT = 4 * 1024 * 1024;
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
  // As fetch reports it: without the fragment.
  const responseURL = url.hash === '' ? url.href : url.href.slice(0, -url.hash.length);
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
    // Set while a reply's body is collected before it is handed over (see `readHeaders`).
    let buffered: { response: BufferedResponse; init: ReplyInit; chunks: Buffer[]; size: number } | undefined;
    const onAbort = function (this: AbortSignal): void {
      abort?.(abortReason(this));
    };
    const finish = (): void => {
      finished = true;
      signal?.removeEventListener('abort', onAbort);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const respond = (response: Response): void => {
      responded = true;
      resolve(response);
    };
    const respondStreaming = (replyInit: ReplyInit, withBody: boolean): void => {
      const stream = withBody ? decode(bodyStream(), replyInit.encoding) : null;
      const response = new Response(stream, replyInit);
      Object.defineProperty(response, 'url', { value: responseURL });
      respond(response);
    };
    // A body being collected turns into a stream after all: it grew past BUFFER_LIMIT, or it failed,
    // and fetch hands over a failed body as a response whose reading fails.
    const streamCollected = (): void => {
      if (buffered === undefined) return;
      const { init: replyInit, chunks } = buffered;
      buffered = undefined;
      respondStreaming(replyInit, true);
      for (const chunk of chunks) sink?.enqueue(chunk);
      paused = (sink?.desiredSize ?? 1) <= 0;
    };
    const bodyStream = (): ReadableStream<Uint8Array> =>
      new ReadableStream<Uint8Array>({
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
    const handler: DispatchHandler = {
      onConnect(abortRequest) {
        abort = abortRequest;
        if (signal?.aborted === true) abortRequest(abortReason(signal));
      },
      onHeaders(status, rawHeaders, resume, statusText) {
        if (status < 200) return true; // 1xx informational replies precede the real one
        try {
          const reply = readHeaders(rawHeaders);
          if (REDIRECT_STATUS.has(status) && reply.location) {
            finish();
            abort?.(new Error('redirect handed to fetch'));
            fetch(input, init).then(resolve, reject);
            return false;
          }
          resumeReading = resume;
          const replyInit = {
            status,
            statusText: reasonPhrase(statusText),
            headers: reply.pairs,
            encoding: reply.encoding,
          };
          if (NULL_BODY_STATUS.has(status) || request.method === 'HEAD') respondStreaming(replyInit, false);
          else if (reply.encoding === undefined && reply.json) {
            // Constructed now, so that headers a Response refuses fail here, as they do in fetch.
            const response = new BufferedResponse(replyInit, responseURL);
            buffered = { response, init: replyInit, chunks: [], size: 0 };
          } else respondStreaming(replyInit, true);
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
        if (finished || chunk.length === 0) return true;
        if (buffered !== undefined) {
          buffered.chunks.push(chunk);
          buffered.size += chunk.length;
          if (buffered.size <= BUFFER_LIMIT) return true;
          streamCollected();
          return !paused;
        }
        if (sink === undefined) return true;
        sink.enqueue(chunk);
        paused = (sink.desiredSize ?? 1) <= 0;
        return !paused;
      },
      onComplete() {
        if (finished) return;
        finish();
        if (buffered === undefined) {
          sink?.close();
          return;
        }
        const { response, chunks, size } = buffered;
        buffered = undefined;
        respond(response.setBody(Buffer.concat(chunks, size)));
      },
      onError(error) {
        if (finished) return;
        finish();
        const failure = (wrapped: string): unknown =>
          signal?.aborted === true ? abortReason(signal) : new TypeError(wrapped, { cause: error });
        streamCollected();
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

/** A reply's status line and headers, with what decides how its body is handed over. */
interface ReplyInit {
  status: number;
  statusText: string;
  headers: [string, string][];
  /** The content-encoding, when the body is compressed. */
  encoding: string | undefined;
}

// The headers as name/value pairs for the Response, which checks them once. Only a JSON reply, which
// the SDK reads whole with text(), is collected before it is handed over; anything else (event
// streams, NDJSON, a proxy's odd content type) and compressed bodies stream as they arrive.
function readHeaders(rawHeaders: Buffer[]): {
  pairs: [string, string][];
  location: boolean;
  encoding: string | undefined;
  json: boolean;
} {
  const pairs: [string, string][] = [];
  let location = false;
  let encoding: string | undefined;
  let json = false;
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = String(rawHeaders[index]?.toString('latin1'));
    const value = String(rawHeaders[index + 1]?.toString('latin1'));
    pairs.push([name, value]);
    const lower = name.toLowerCase();
    if (lower === 'location') location = true;
    else if (lower === 'content-encoding') encoding = encoding === undefined ? value : `${encoding}, ${value}`;
    else if (lower === 'content-type') json = isJsonType(value);
  }
  return { pairs, location, encoding, json };
}

// What the SDK reads as JSON: `application/json` and the `+json` types, parameters aside.
function isJsonType(contentType: string): boolean {
  const type = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json');
}

// A reason phrase a Response accepts (tab, space, visible ASCII, obs-text); fetch keeps any, so one
// this cannot represent becomes empty rather than failing the request.
function reasonPhrase(text: string): string {
  return /^[\t\x20-\x7e\x80-\xff]*$/.test(text) ? text : '';
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
function decode(stream: ReadableStream<Uint8Array>, encoding: string | undefined): ReadableStream<Uint8Array> {
  const format = encoding === undefined ? undefined : DECODABLE.get(encoding.trim().toLowerCase());
  if (format === undefined) return stream;
  return stream.pipeThrough(new DecompressionStream(format));
}
