import OpenAI, { APIError } from 'openai';
import { abortReason, sleep, throwIfAborted } from './abort.ts';
import { callSignalFetch, withCallSignal } from './call-signal-fetch.ts';
import type { ChatModel, ChatRequest, ChatResponse } from './chat-model.ts';
import { ConfigurationError, ModelCallError } from './errors.ts';
import { getLogger } from './logger.ts';
import { checkOptionKeys } from './option-keys.ts';
import { StreamAccumulator, fromCompletion, toWireMessages, toWireTools } from './openai-mapping.ts';
import { toModelCallError } from './openai-errors.ts';
import { registerSecret } from './secrets.ts';

/** The model used when none is named. */
export const DEFAULT_MODEL = 'gpt-4o-mini';

/** Options of `OpenAIChatModel`; every field is optional. */
export interface OpenAIChatModelOptions {
  /** Model name; default `gpt-4o-mini`. */
  model?: string | undefined;
  /** API key; default `OPENAI_API_KEY`. Optional when a base URL is set (local servers need none). */
  apiKey?: string | undefined;
  /** Any OpenAI-compatible server (Ollama, vLLM, llama.cpp); default `OPENAI_BASE_URL`, else OpenAI. */
  baseURL?: string | undefined;
  /** A configured `OpenAI` client; when given, apiKey and baseURL are not used. */
  client?: OpenAI | undefined;
  /** Retries after the first attempt for 408/409/429/5xx, connection failures and broken replies; default 2. */
  maxRetries?: number | undefined;
  /** First backoff between attempts when the server gives no `retry-after`; doubles each time. Default 500. */
  retryDelayMs?: number | undefined;
  /** Longest wait between attempts; a longer `retry-after` fails the call instead. Default 60 000. */
  maxRetryDelayMs?: number | undefined;
  /** Deadline of one `complete` call, retries included, unless the request sets its own; default 180 000. */
  timeoutMs?: number | undefined;
  /** Ask for server-sent events and assemble the reply from the stream; default false. */
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
  // True for the client built here, whose fetch follows the call's signal (see call-signal-fetch.ts).
  #ownClient = false;
  #server = 'the OpenAI API';

  /** Creates the model; configuration is checked at the first call (see `resolveOpenAIConnection`). */
  constructor(options: OpenAIChatModelOptions = {}) {
    checkOptionKeys(options, OPTION_KEYS, 'OpenAIChatModel');
    this.#options = options;
    this.modelName = options.model ?? DEFAULT_MODEL;
    this.#client = options.client;
    if (options.client !== undefined) this.#server = stripCredentials(options.client.baseURL);
  }

  /** Sends the conversation and returns the reply; throws ModelCallError, or the abort reason when aborted. */
  async complete(request: ChatRequest): Promise<ChatResponse> {
    const client = this.#getClient();
    const maxRetries = this.#options.maxRetries ?? 2;
    const caller = request.signal;
    if (caller?.aborted === true) throw abortReason(caller);
    // One controller per call, aborted by the deadline or by the caller's signal. A listener on the
    // caller's signal, removed when the call ends, does what AbortSignal.any would, without the
    // composite signal's weak references, which cost every call CPU and garbage collection.
    const deadline = new AbortController();
    const timeoutMs = request.timeoutMs ?? this.#options.timeoutMs ?? 180_000;
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    const forwardAbort = (): void => deadline.abort(caller?.reason);
    caller?.addEventListener('abort', forwardAbort, { once: true });
    const { signal } = deadline;
    try {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await this.#attempt(client, request, signal);
        } catch (error) {
          throwIfAborted(caller);
          if (deadline.signal.aborted) throw this.#timeoutError(timeoutMs, attempt);
          const failure = toModelCallError(error, {
            server: this.#server,
            modelName: this.modelName,
            attempts: attempt,
          });
          const delay = attempt <= maxRetries ? this.#retryDelay(error, failure, attempt) : undefined;
          if (delay === undefined) throw failure;
          getLogger().info(
            `Model call attempt ${attempt} failed (${failure.message}); retrying in ${Math.round(delay)} ms.`,
          );
          // The deadline may pass during the wait, too: that is the same timeout, not a bare AbortError.
          await sleep(delay, signal).catch((reason: unknown) => {
            throw deadline.signal.aborted && caller?.aborted !== true ? this.#timeoutError(timeoutMs, attempt) : reason;
          });
        }
      }
    } catch (error) {
      throwIfAborted(caller);
      throw error;
    } finally {
      clearTimeout(timer);
      caller?.removeEventListener('abort', forwardAbort);
    }
  }

  #timeoutError(timeoutMs: number, attempts: number): ModelCallError {
    return new ModelCallError(
      `The model call to ${this.#server} did not finish within ${timeoutMs} ms` +
        `${attempts > 1 ? ` (${attempts} attempts)` : ''}. Raise timeoutMs or check the server.`,
      { retryable: true },
    );
  }

  async #attempt(client: OpenAI, request: ChatRequest, signal: AbortSignal): Promise<ChatResponse> {
    const params = {
      model: this.modelName,
      messages: toWireMessages(request.messages),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.tools === undefined || request.tools.length === 0
        ? {}
        : {
            tools: toWireTools(request.tools),
            ...(request.toolChoice === undefined ? {} : { tool_choice: request.toolChoice }),
          }),
      ...(request.stop === undefined || request.stop.length === 0 ? {} : { stop: [...request.stop] }),
    };
    const requestOptions = this.#ownClient ? { maxRetries: 0 } : { signal, maxRetries: 0 };
    const send = <T>(work: () => Promise<T>): Promise<T> => (this.#ownClient ? withCallSignal(signal, work) : work());
    if (this.#options.streaming !== true) {
      return fromCompletion(await send(() => client.chat.completions.create(params, requestOptions)));
    }
    const stream = await send(() =>
      client.chat.completions.create(
        { ...params, stream: true, stream_options: { include_usage: true } },
        requestOptions,
      ),
    );
    const accumulator = new StreamAccumulator();
    for await (const chunk of stream) accumulator.add(chunk);
    return accumulator.finish();
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
      timeout: 24 * 60 * 60 * 1000,
      fetch: callSignalFetch,
      ...(apiKey === undefined ? { defaultHeaders: { Authorization: null } } : {}),
    });
    this.#ownClient = true;
    this.#server = stripCredentials(this.#client.baseURL);
    return this.#client;
  }
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
