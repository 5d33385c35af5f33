import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIdSequence, normalizeReply } from '@tinyagent/core/internal';
import type { ScriptedReply } from '@tinyagent/core/internal';
import { answerProblem, checkServerOptions } from './fake-server-checks.ts';
import { sendError, sendFault, sendJson, sendRaw, sendStreamError } from './http-replies.ts';
import { completionBody, completionChunks, errorBody } from './wire-format.ts';

/** An HTTP error reply with an OpenAI-shaped body; `retryAfter` (seconds) sets the `retry-after` header. */
export interface FakeHttpError {
  status: number;
  message?: string;
  type?: string;
  code?: string | null;
  retryAfter?: number;
  headers?: Readonly<Record<string, string>>;
  delayMs?: number;
}

/**
 * A broken reply: `hang` never answers, `reset` drops the connection, `malformed` sends invalid
 * JSON, `empty_choices` a completion with no choices, `truncated_stream` cuts the reply halfway.
 */
export interface FakeFault {
  fault: 'hang' | 'reset' | 'malformed' | 'empty_choices' | 'truncated_stream';
  delayMs?: number;
}

/**
 * A reply sent exactly as given, whatever the protocol says: any status, content type and body
 * (a completion with fields of the wrong type, hand-written server-sent events). For fuzzing clients.
 */
export interface FakeRawReply {
  raw: string;
  /** Default 200. */
  status?: number;
  /** Default `application/json`; `text/event-stream` for hand-written server-sent events. */
  contentType?: string;
  delayMs?: number;
}

/**
 * An error sent the way providers send one after the reply has begun: a 200 stream with some
 * content, then `data: {"error": …}`. A request that did not ask for a stream gets the same error
 * body with the HTTP status `status` (default: `streamError.code` when it is a status, else 500).
 */
export interface FakeStreamError {
  streamError: {
    message: string;
    /** A number here is the HTTP status the provider meant (OpenRouter sends 429 so). */
    code?: number | string | null;
    type?: string;
    /** What a gateway relays of the upstream provider's error, e.g. `{ raw, provider_name }`. */
    metadata?: Readonly<Record<string, unknown>>;
  };
  /** Text streamed before the error; default none. */
  content?: string;
  status?: number;
  delayMs?: number;
}

/** What the fake server answers one chat request with. */
export type FakeResponse = ScriptedReply | FakeHttpError | FakeFault | FakeRawReply | FakeStreamError;

/** A chat-completions request body as the fake server received it. */
export interface ChatCompletionBody {
  model: string;
  messages: { role: string; content?: unknown; tool_calls?: unknown; tool_call_id?: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  tools?: unknown[];
  temperature?: number;
  [key: string]: unknown;
}

/** A recorded chat request; `index` counts chat requests from 0. */
export interface FakeRequest {
  index: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: ChatCompletionBody;
}

/** Options of `startFakeOpenAI`: give a `script` (answers in order) or a `handler` (answers by request). */
export interface FakeOpenAIOptions {
  script?: readonly FakeResponse[] | undefined;
  handler?: ((request: FakeRequest) => FakeResponse | Promise<FakeResponse>) | undefined;
  /** Delay before every answer unless the answer sets `delayMs`; default 0. */
  latencyMs?: number | undefined;
  /** Model ids listed by `GET /v1/models`; default `['fake-model']`. */
  models?: readonly string[] | undefined;
  /**
   * Streamed replies: characters of text (content, reasoning, arguments) per chunk; default each in
   * three pieces.
   */
  chunkSize?: number | undefined;
  /** Streamed replies: pause between chunks, each written on its own, to stream as a slow model does; default 0. */
  chunkDelayMs?: number | undefined;
  /**
   * How long the server keeps an idle keep-alive connection open, in milliseconds; default Node's
   * (5 s). A load test whose client can stall longer than that must raise it: the server closes the
   * connection while the client, not yet aware of it, sends the next request there, which then fails
   * with "other side closed".
   */
  keepAliveTimeoutMs?: number | undefined;
  /** Keep every request in `requests`; default true. Turn off for long benchmarks. */
  recordRequests?: boolean | undefined;
}

/** A running fake server. */
export interface FakeOpenAIServer extends AsyncDisposable {
  /** Base URL to give the OpenAI client, ending in `/v1`. */
  readonly url: string;
  readonly port: number;
  /** Chat requests received so far (unless recording is off). */
  readonly requests: readonly FakeRequest[];
  /** Chat requests received so far, recorded or not. */
  readonly requestCount: number;
  /** Stops the server, drops open connections (hung requests included) and clears pending timers. */
  close(): Promise<void>;
}

/**
 * Starts an OpenAI-compatible chat-completions server on 127.0.0.1 at a free port: JSON replies,
 * server-sent events when the request asks for `stream: true`, `GET /v1/models`, and fault injection
 * per request. Only ever loopback: tests stay hermetic.
 */
export async function startFakeOpenAI(options: FakeOpenAIOptions): Promise<FakeOpenAIServer> {
  checkServerOptions(options);
  const { script, handler } = options;
  const requests: FakeRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const nextCallId = createIdSequence('call_');
  const nextCompletionId = createIdSequence('chatcmpl-fake-');
  let requestCount = 0;

  const answer = async (request: FakeRequest): Promise<FakeResponse> => {
    if (handler !== undefined) return handler(request);
    const scripted = script?.[request.index];
    if (scripted !== undefined) return scripted;
    return {
      status: 500,
      message: `Fake OpenAI server: the script has ${script?.length ?? 0} replies and this is request #${request.index + 1}.`,
      headers: { 'x-should-retry': 'false' },
    };
  };

  const wait = (ms: number, response: ServerResponse): Promise<boolean> => {
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onClose = (): void => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve(false);
      };
      // The listener goes with its timer: a paced stream waits once per chunk on the same response.
      const timer = setTimeout(() => {
        timers.delete(timer);
        response.off('close', onClose);
        resolve(!response.destroyed);
      }, ms);
      timers.add(timer);
      response.once('close', onClose);
    });
  };

  const handleChat = async (
    incoming: IncomingMessage,
    response: ServerResponse,
    body: ChatCompletionBody,
  ): Promise<void> => {
    const request: FakeRequest = {
      index: requestCount,
      method: incoming.method ?? 'POST',
      path: incoming.url ?? '',
      headers: incoming.headers,
      body,
    };
    requestCount += 1;
    if (options.recordRequests !== false) requests.push(request);
    let reply: FakeResponse;
    try {
      reply = await answer(request);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      sendError(response, {
        status: 500,
        message: `Fake OpenAI server: the handler threw: ${reason}`,
        headers: { 'x-should-retry': 'false' },
      });
      return;
    }
    // A script was checked whole at the start; a handler's answer can only be checked now.
    const problem = handler === undefined ? undefined : answerProblem(reply);
    if (problem !== undefined) {
      sendError(response, {
        status: 500,
        message: `Fake OpenAI server: the handler's answer to request #${request.index + 1} ${problem}`,
        headers: { 'x-should-retry': 'false' },
      });
      return;
    }
    const delayMs = typeof reply === 'object' && reply.delayMs !== undefined ? reply.delayMs : (options.latencyMs ?? 0);
    if (!(await wait(delayMs, response))) return;
    if (typeof reply === 'object' && 'raw' in reply) {
      sendRaw(response, reply);
      return;
    }
    if (typeof reply === 'object' && 'streamError' in reply) {
      sendStreamError(response, reply, body);
      return;
    }
    if (typeof reply === 'object' && 'status' in reply) {
      sendError(response, reply);
      return;
    }
    if (typeof reply === 'object' && 'fault' in reply) {
      sendFault(incoming, response, reply.fault, body);
      return;
    }
    const promptText = body.messages
      .map((message) => (typeof message.content === 'string' ? message.content : ''))
      .join('\n');
    const normalized = normalizeReply(reply, nextCallId, promptText);
    const id = nextCompletionId();
    if (body.stream === true) {
      const includeUsage = body.stream_options?.include_usage === true;
      const chunks = completionChunks(normalized, id, body.model, includeUsage, options.chunkSize);
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const events = chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`);
      if ((options.chunkDelayMs ?? 0) <= 0) {
        response.end(events.join('') + 'data: [DONE]\n\n');
        return;
      }
      for (const event of events) {
        response.write(event);
        if (!(await wait(options.chunkDelayMs ?? 0, response))) return;
      }
      response.end('data: [DONE]\n\n');
      return;
    }
    sendJson(response, 200, completionBody(normalized, id, body.model));
  };

  const server = createServer((incoming, response) => {
    route(incoming, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, errorBody(String(error), 'server_error', null));
      else response.destroy();
    });
  });

  const route = async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (incoming.url ?? '').split('?')[0];
    if (incoming.method === 'GET' && path === '/v1/models') {
      const data = (options.models ?? ['fake-model']).map((id) => ({
        id,
        object: 'model',
        created: 1_700_000_000,
        owned_by: 'tinyagent-testing',
      }));
      sendJson(response, 200, { object: 'list', data });
      return;
    }
    if (incoming.method !== 'POST' || path !== '/v1/chat/completions') {
      sendJson(
        response,
        404,
        errorBody(
          `Fake OpenAI server: no route for ${incoming.method} ${path}.`,
          'invalid_request_error',
          'unknown_url',
        ),
      );
      return;
    }
    const text = await readBody(incoming);
    if (text === undefined) {
      const limit = `${MAX_BODY_BYTES / 1024 / 1024} MiB`;
      sendJson(
        response,
        413,
        errorBody(`Fake OpenAI server: the request body is larger than ${limit}.`, 'invalid_request_error', null),
      );
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      sendJson(
        response,
        400,
        errorBody('Fake OpenAI server: the request body is not valid JSON.', 'invalid_request_error', null),
      );
      return;
    }
    if (!isChatCompletionBody(body)) {
      sendJson(
        response,
        400,
        errorBody("Fake OpenAI server: 'messages' must be an array.", 'invalid_request_error', null),
      );
      return;
    }
    const refusal = requestProblem(body);
    if (refusal !== undefined) {
      sendJson(response, 400, refusal);
      return;
    }
    await handleChat(incoming, response, body);
  };

  if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const close = async (): Promise<void> => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    get requests() {
      return requests;
    },
    get requestCount() {
      return requestCount;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

// What OpenAI answers with a 400 that the fake server would otherwise answer: code tested here
// must not send, unawares, a request the real API refuses.
function requestProblem(body: ChatCompletionBody): Record<string, unknown> | undefined {
  if (typeof body.model !== 'string' || body.model === '') {
    return errorBody('Fake OpenAI server: you must provide a model parameter.', 'invalid_request_error', null);
  }
  if (body.messages.length === 0) {
    return errorBody(
      "Fake OpenAI server: Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'invalid_request_error',
      'empty_array',
      'messages',
    );
  }
  return undefined;
}

function isChatCompletionBody(body: unknown): body is ChatCompletionBody {
  return typeof body === 'object' && body !== null && Array.isArray((body as { messages?: unknown }).messages);
}

// The largest request body the fake server reads, in bytes; a larger one gets a 413. Above the 50 MB
// OpenAI takes in one request (images included), so nothing the real API accepts is refused.
const MAX_BODY_BYTES = 64 * 1024 * 1024;

// The body as text, or undefined past MAX_BODY_BYTES: the rest is read and dropped, so that the
// client, still sending, hears the 413 instead of a broken connection.
async function readBody(incoming: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
    else chunks.length = 0;
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8');
}
