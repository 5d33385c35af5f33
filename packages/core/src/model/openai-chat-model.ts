import OpenAI, { APIConnectionTimeoutError, APIError } from 'openai';
import { raceAbort, sleep, throwIfAborted } from '../abort.ts';
import type { ChatModel, ChatRequest, ChatResponse } from './chat-model.ts';
import { ConfigurationError, ModelCallError } from '../errors.ts';
import { getLogger } from '../logger.ts';
import { callListener } from '../listeners.ts';
import { checkMilliseconds, describeValue, isDelay, MAX_DELAY_MS } from '../run/milliseconds.ts';
import { checkOptionKeys } from '../run/option-keys.ts';
import { StreamAccumulator, fromCompletion, toWireMessages, toWireTools } from './openai-mapping.ts';
import { toModelCallError } from './openai-errors.ts';
import { redactSecrets, registerSecret } from '../secrets.ts';
import { StreamDeltas } from './stream-deltas.ts';
import { DeadlinePassed, withinDeadline } from './deadline.ts';

/** The model used when none is named. */
export const DEFAULT_MODEL = 'gpt-4o-mini';

/** The deadline of one model call, retries included, when neither the model nor the request sets one. */
const DEFAULT_TIMEOUT_MS = 180_000;

/**
 * The part of an `openai` client that OpenAIChatModel uses: `baseURL` and `chat.completions.create`,
 * called as the SDK's (params, { signal, timeout, maxRetries }). Typed by shape, not by the `OpenAI`
 * class, so a client of another major version of the SDK (openai@6) or a wrapper of one fits.
 */
export interface OpenAIClientLike {
  readonly baseURL: string;
  readonly chat: { readonly completions: { create(...args: never[]): unknown } };
}

/** Options of `OpenAIChatModel`; every field is optional. */
export interface OpenAIChatModelOptions {
  /** Model name; default `gpt-4o-mini`. */
  model?: string | undefined;
  /** API key; default `OPENAI_API_KEY`. Optional when a base URL is set (local servers need none). */
  apiKey?: string | undefined;
  /** Any OpenAI-compatible server (Ollama, vLLM, llama.cpp); default `OPENAI_BASE_URL`, else OpenAI. */
  baseURL?: string | undefined;
  /** A configured `openai` client (any version with the same chat API); when given, apiKey and baseURL are not used. */
  client?: OpenAIClientLike | undefined;
  /** Retries after the first attempt for 408/409/429/5xx, connection failures and broken replies; default 2. */
  maxRetries?: number | undefined;
  /** First backoff between attempts when the server gives no `retry-after`; doubles each time. Default 500. */
  retryDelayMs?: number | undefined;
  /** Longest wait between attempts; a longer `retry-after` fails the call instead. Default 60 000. */
  maxRetryDelayMs?: number | undefined;
  /** Deadline of one `complete` call, retries included, unless the request sets its own; default 180 000. */
  timeoutMs?: number | undefined;
  /**
   * Ask for server-sent events and assemble the reply from the stream; default false. A request with
   * an `onDelta` is streamed either way, so its pieces can be passed on as they arrive.
   */
  streaming?: boolean | undefined;
  /** Environment to read OPENAI_API_KEY / OPENAI_BASE_URL from; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

// Every key of OpenAIChatModelOptions, checked by the compiler both ways: an option added to the
// interface must be added here, or the constructor would reject it.
const OPTION_KEYS = Object.keys({
  model: true,
  apiKey: true,
  baseURL: true,
  client: true,
  maxRetries: true,
  retryDelayMs: true,
  maxRetryDelayMs: true,
  timeoutMs: true,
  streaming: true,
  env: true,
} satisfies Record<keyof OpenAIChatModelOptions, true>);

/** Where and how to reach an OpenAI-compatible server, as resolved from options and environment. */
export interface OpenAIConnection {
  apiKey: string | undefined;
  baseURL: string | undefined;
}

/**
 * Resolves the API key and base URL from options, then `OPENAI_API_KEY` / `OPENAI_BASE_URL`.
 * Throws ConfigurationError when there is neither a key nor a base URL, or the base URL is not a URL.
 * Agents call it at construction to fail early.
 */
export function resolveOpenAIConnection(options: OpenAIChatModelOptions = {}): OpenAIConnection {
  const env = options.env ?? process.env;
  const apiKey = nonEmpty(options.apiKey) ?? nonEmpty(env.OPENAI_API_KEY);
  const baseURL = nonEmpty(options.baseURL) ?? nonEmpty(env.OPENAI_BASE_URL);
  if (apiKey === undefined && baseURL === undefined) {
    throw new ConfigurationError(
      'No model configured: set OPENAI_API_KEY (or pass apiKey) to use OpenAI, or set OPENAI_BASE_URL ' +
        '(or pass baseURL) to use an OpenAI-compatible server such as Ollama, vLLM or llama.cpp.',
    );
  }
  // `localhost:11434/v1` parses as a URL with the scheme `localhost:`; only http(s) can reach a server.
  if (baseURL !== undefined && !/^https?:$/.test(URL.parse(baseURL)?.protocol ?? '')) {
    throw new ConfigurationError(
      `The base URL ${JSON.stringify(stripCredentials(baseURL))} is not an http:// or https:// URL; ` +
        'use the form http://localhost:11434/v1.',
    );
  }
  return { apiKey, baseURL };
}

/** A ChatModel on the official `openai` SDK, for OpenAI and any OpenAI-compatible server. */
export class OpenAIChatModel implements ChatModel {
  readonly modelName: string;
  readonly #options: OpenAIChatModelOptions;
  #client: OpenAI | undefined;
  #server = 'the OpenAI API';
  // The model name the last reply gave, shared by the replies that give the same.
  #replyModel: string | undefined;

  /** Creates the model; configuration is checked at the first call (see `resolveOpenAIConnection`). */
  constructor(options: OpenAIChatModelOptions = {}) {
    checkOptionKeys(options, OPTION_KEYS, 'OpenAIChatModel');
    checkRetryOptions(options);
    this.#options = options;
    this.modelName = options.model ?? DEFAULT_MODEL;
    // Typed by shape for the caller; used as this SDK's client, whose chat API every major version shares.
    this.#client = options.client as OpenAI | undefined;
    if (options.client !== undefined) this.#server = stripCredentials(options.client.baseURL);
  }

  /** Sends the conversation and returns the reply; rejects with ModelCallError, or the abort reason when aborted. */
  complete(request: ChatRequest): Promise<ChatResponse> {
    // Not async: a run waits in here for most of its life, and an async frame around the usual
    // first attempt would be memory every run in flight holds. Only a failed attempt needs one.
    try {
      const client = this.#getClient();
      throwIfAborted(request.signal);
      const timeoutMs = request.timeoutMs ?? this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const deadline = performance.now() + timeoutMs;
      return this.#attemptSafely(client, request, deadline, (error) =>
        this.#retry(error, client, request, deadline, timeoutMs),
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  // The first attempt, every failure of which (a throw too) goes to `recover`.
  #attemptSafely(
    client: OpenAI,
    request: ChatRequest,
    deadline: number,
    recover: (error: unknown) => Promise<ChatResponse>,
  ): Promise<ChatResponse> {
    try {
      return this.#attempt(client, request, deadline, 1, recover);
    } catch (error) {
      return recover(error);
    }
  }

  // After the first attempt failed with `error`: waits and tries again while the failure may pass
  // and the deadline allows.
  async #retry(
    error: unknown,
    client: OpenAI,
    request: ChatRequest,
    deadline: number,
    timeoutMs: number,
  ): Promise<ChatResponse> {
    const maxRetries = this.#options.maxRetries ?? 2;
    const caller = request.signal;
    for (let attempt = 1; ; attempt += 1) {
      throwIfAborted(caller);
      if (error instanceof DeadlinePassed || error instanceof APIConnectionTimeoutError) {
        throw this.#timeoutError(timeoutMs, attempt, request);
      }
      const failure = toModelCallError(error, { server: this.#server, modelName: this.modelName, attempts: attempt });
      const delay = attempt <= maxRetries ? this.#retryDelay(error, failure, attempt) : undefined;
      if (delay === undefined) throw failure;
      getLogger().info(
        `Model call attempt ${attempt} failed (${failure.message}); retrying in ${Math.round(delay)} ms.`,
      );
      // The deadline may pass during the wait, too: that is the same timeout, not a bare AbortError.
      const remaining = deadline - performance.now();
      if (request.onRetry !== undefined) {
        void callListener(
          request.onRetry,
          {
            attempt,
            delayMs: Math.round(Math.min(delay, Math.max(0, remaining))),
            reason: redactSecrets(failure.message),
            status: ModelCallError.isInstance(failure) ? failure.status : undefined,
          },
          retryListenerFailed,
        );
      }
      await sleep(Math.min(delay, Math.max(0, remaining)), caller);
      if (delay >= remaining) throw this.#timeoutError(timeoutMs, attempt, request);
      try {
        return await this.#attempt(client, request, deadline, attempt + 1);
      } catch (next) {
        error = next;
      }
    }
  }

  #timeoutError(timeoutMs: number, attempts: number, request: ChatRequest): ModelCallError {
    // A streamed call also waits for its onDelta consumer: one that fell behind (a client that
    // stopped reading the run's events) may be what held it past the deadline, not the server.
    const consumer = request.onDelta === undefined ? '' : ', or read the deltas faster';
    return new ModelCallError(
      `The model call to ${this.#server} did not finish within ${timeoutMs} ms` +
        `${attempts > 1 ? ` (${attempts} attempts)` : ''}. Raise timeoutMs or check the server${consumer}.`,
      { retryable: true },
    );
  }

  // The deadline reaches the SDK as its per-request `timeout` (it bounds the wait for the reply's
  // headers) and is kept over the body by a timer here. The caller's signal goes to the SDK only
  // when there is one: for every signal it is handed, the SDK composes one of its own, a cost a call
  // that cannot be cancelled need not pay. Not async, so the usual reply takes no extra hop through a
  // promise of its own. `attempt` counts from 1, for the deltas a streamed attempt reports.
  #attempt(
    client: OpenAI,
    request: ChatRequest,
    deadline: number,
    attempt: number,
    recover?: (error: unknown) => Promise<ChatResponse>,
  ): Promise<ChatResponse> {
    const remaining = deadline - performance.now();
    if (remaining <= 0) throw new DeadlinePassed();
    // Built field by field, not from spreads of temporary objects: every model turn builds one.
    const params: OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming = {
      model: this.modelName,
      messages: toWireMessages(request.messages),
    };
    if (request.temperature !== undefined) params.temperature = request.temperature;
    if (request.tools !== undefined && request.tools.length > 0) {
      params.tools = toWireTools(request.tools);
      if (request.toolChoice !== undefined) params.tool_choice = request.toolChoice;
    }
    if (request.stop !== undefined && request.stop.length > 0) params.stop = [...request.stop];
    // Core retries (it also retries replies the SDK accepts but cannot use), so the SDK does not.
    const requestOptions: OpenAI.RequestOptions = { maxRetries: 0, timeout: Math.ceil(remaining) };
    if (request.signal !== undefined) requestOptions.signal = request.signal;
    if (this.#options.streaming !== true && request.onDelta === undefined) {
      const reply = client.chat.completions.create(params, requestOptions);
      return withinDeadline(reply, { ms: remaining, map: this.#readCompletion, recover });
    }
    const streamed = this.#streamAttempt(client, params, requestOptions, request, deadline, attempt);
    return recover === undefined ? streamed : streamed.catch(recover);
  }

  // One per model, not per call: every call of every run reads its reply through it.
  readonly #readCompletion = (completion: unknown): ChatResponse => {
    const response = fromCompletion(completion, this.#replyModel);
    this.#replyModel = response.model;
    return response;
  };

  async #streamAttempt(
    client: OpenAI,
    params: OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming,
    requestOptions: OpenAI.RequestOptions,
    request: ChatRequest,
    deadline: number,
    attempt: number,
  ): Promise<ChatResponse> {
    const stream = await client.chat.completions.create(
      { ...params, stream: true, stream_options: { include_usage: true } },
      requestOptions,
    );
    const { onDelta } = request;
    const deltas = onDelta === undefined ? undefined : new StreamDeltas(onDelta, attempt);
    const read = async (): Promise<ChatResponse> => {
      const accumulator = new StreamAccumulator(deltas);
      for await (const chunk of stream) {
        accumulator.add(chunk);
        // A consumer that is behind holds the read back (and with it the server); an abort or the
        // deadline ends the wait, as it ends the stream.
        const wait = deltas?.takeWait();
        if (wait !== undefined) await raceAbort(raceAbort(wait, request.signal), stream.controller.signal);
      }
      // The SDK ends the iteration quietly when the request is aborted: what came is not the reply.
      throwIfAborted(request.signal);
      if (stream.controller.signal.aborted) throw new DeadlinePassed();
      const response = accumulator.finish();
      deltas?.end();
      return response;
    };
    return withinDeadline(read(), {
      ms: deadline - performance.now(),
      map: identity,
      onExpire: () => stream.controller.abort(),
    });
  }

  #retryDelay(error: unknown, failure: Error, attempt: number): number | undefined {
    // Servers may say explicitly whether a retry can help (OpenAI's x-should-retry); they know best.
    const headers = responseHeaders(error);
    const shouldRetry = headers?.get('x-should-retry');
    if (shouldRetry === 'false') return undefined;
    if (shouldRetry !== 'true' && (!ModelCallError.isInstance(failure) || !failure.retryable)) return undefined;
    const maxDelay = this.#options.maxRetryDelayMs ?? 60_000;
    const requested = retryAfterMs(headers);
    if (requested !== undefined) return requested <= maxDelay ? requested : undefined;
    const backoff = Math.min((this.#options.retryDelayMs ?? 500) * 2 ** (attempt - 1), 8_000);
    return Math.min(backoff * (1 - Math.random() * 0.25), maxDelay);
  }

  #getClient(): OpenAI {
    if (this.#client !== undefined) return this.#client;
    const { apiKey, baseURL } = resolveOpenAIConnection(this.#options);
    registerSecret(apiKey);
    this.#client = new OpenAI({
      // Local OpenAI-compatible servers need no key, but the SDK insists on one; the placeholder is
      // never sent, because the Authorization header is removed below.
      apiKey: apiKey ?? 'no-key',
      baseURL: baseURL ?? null,
      maxRetries: 0,
      // The call's own deadline (timeoutMs) governs; the SDK's would cut a long call short.
      timeout: 24 * 60 * 60 * 1000,
      ...(apiKey === undefined ? { defaultHeaders: { Authorization: null } } : {}),
    });
    this.#server = stripCredentials(this.#client.baseURL);
    return this.#client;
  }
}

// A delay that is not a number, or longer than a timer can wait, would make each wait last 1 ms
// (Node's timers fall back to it) and a deadline end every call at once.
function checkRetryOptions(options: OpenAIChatModelOptions): void {
  const { maxRetries, retryDelayMs, maxRetryDelayMs } = options;
  if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && maxRetries >= 0)) {
    throw new ConfigurationError(
      `OpenAIChatModel: maxRetries must be a whole number of at least 0; got ${String(maxRetries)}.`,
    );
  }
  for (const [name, value] of [
    ['retryDelayMs', retryDelayMs],
    ['maxRetryDelayMs', maxRetryDelayMs],
  ] as const) {
    if (value !== undefined && !(value === 0 || isDelay(value))) {
      throw new ConfigurationError(
        `OpenAIChatModel: ${name} must be 0 (retry at once) or a number of milliseconds up to ${MAX_DELAY_MS} ` +
          `(about 24.8 days, the longest a timer can wait); got ${describeValue(value)}.`,
      );
    }
  }
  checkMilliseconds('OpenAIChatModel: timeoutMs', options.timeoutMs);
}

function retryListenerFailed(): string {
  return "A model call's onRetry threw";
}

function identity<T>(value: T): T {
  return value;
}

function responseHeaders(error: unknown): Headers | undefined {
  return error instanceof APIError && error.headers instanceof Headers ? error.headers : undefined;
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const milliseconds = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = headers?.get('retry-after');
  if (value === undefined || value === null) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function stripCredentials(url: string): string {
  if (!URL.canParse(url)) return '(invalid URL)';
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  return parsed.toString().replace(/\/$/, '');
}
