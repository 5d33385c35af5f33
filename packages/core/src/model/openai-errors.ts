// Turns whatever the openai SDK throws into a ModelCallError a developer can act on, with secrets
// redacted. The SDK's own error is not kept as `cause`: its body may echo credentials.
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { ModelCallError, isTinyAgentError } from '../errors.ts';
import { withoutClosingStop } from '../message-text.ts';
import { redactSecrets } from '../secrets.ts';

export interface ErrorContext {
  /** The server's address, without credentials. */
  server: string;
  modelName: string;
  attempts: number;
}

export function toModelCallError(error: unknown, context: ErrorContext): Error {
  if (isTinyAgentError(error)) return error;
  const details = describe(error, context);
  const cause = new Error(redactSecrets(error instanceof Error ? `${error.name}: ${error.message}` : String(error)));
  return new ModelCallError(redactSecrets(details.message), { ...details, cause });
}

interface Description {
  message: string;
  status?: number | undefined;
  retryable: boolean;
  requestId?: string | undefined;
}

function describe(error: unknown, context: ErrorContext): Description {
  const tries = context.attempts > 1 ? ` after ${context.attempts} attempts` : '';
  if (error instanceof APIConnectionTimeoutError) {
    return { message: `The model server at ${context.server} did not answer in time${tries}.`, retryable: true };
  }
  if (error instanceof APIConnectionError) {
    const reason = connectionReason(error);
    return {
      message:
        `Could not reach the model server at ${context.server}${tries}${reason}. ` +
        'Check OPENAI_BASE_URL (or the baseURL option) and that the server is running.',
      retryable: true,
    };
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const body: unknown = error.error;
    return fromStatus({ status: error.status, requestId: error.requestID ?? undefined, body }, context, tries);
  }
  if (error instanceof APIError) return fromStreamError(error.error, context, tries);
  if (isDroppedConnection(error)) {
    return {
      message: `The connection to the model server at ${context.server} broke off while the reply was being read${tries}${connectionReason(error)}.`,
      retryable: true,
    };
  }
  if (error instanceof SyntaxError) {
    return {
      message: `The model server at ${context.server} sent a body that is not valid JSON (${error.message}).`,
      retryable: true,
    };
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { message: `The model call failed: ${text}`, retryable: false };
}

interface HttpFailure {
  status: number;
  requestId: string | undefined;
  body: unknown;
}

function fromStatus(failure: HttpFailure, context: ErrorContext, tries: string): Description {
  const { status, requestId } = failure;
  const serverSays = serverMessage(failure.body);
  const base = { status, requestId };
  if (status === 401) {
    return {
      ...base,
      retryable: false,
      message: `The model server rejected the credentials (401)${serverSays}. Check OPENAI_API_KEY or the apiKey option.`,
    };
  }
  if (status === 403) {
    return {
      ...base,
      retryable: false,
      message: `The model server refused access (403)${serverSays}. Check that the key may use model '${context.modelName}'.`,
    };
  }
  if (status === 404) {
    return {
      ...base,
      retryable: false,
      message:
        `The model server answered 404${serverSays}. Check the model name '${context.modelName}' and that the ` +
        'base URL ends where the OpenAI API starts (usually /v1).',
    };
  }
  if (status === 429) {
    return {
      ...base,
      retryable: true,
      message: `The model server rate-limited the request (429)${tries}${serverSays}. Slow down or raise your quota.`,
    };
  }
  if (status >= 500) {
    return {
      ...base,
      retryable: true,
      message: `The model server failed with ${status}${tries}${serverSays}. Try again later.`,
    };
  }
  return {
    ...base,
    retryable: status === 408 || status === 409,
    message: `The model server rejected the request with ${status}${serverSays}.`,
  };
}

// An error sent inside a stream arrives after the 200 status: the SDK throws it without a status.
// Providers put the status they meant in the error's `code` (OpenRouter) or `status`.
function fromStreamError(body: unknown, context: ErrorContext, tries: string): Description {
  const { code, status, type } = fields(body);
  const meant = [code, status].map(Number).find((value) => Number.isInteger(value) && value >= 400 && value < 600);
  if (meant !== undefined) return fromStatus({ status: meant, requestId: undefined, body }, context, tries);
  return {
    retryable: type === 'server_error',
    message: `The model server sent an error in the middle of its reply${serverMessage(body)}.`,
  };
}

// Longest piece of a server's error text quoted in a message.
const SERVER_TEXT_LIMIT = 300;

// The server's own words: its message and, where a gateway relays another provider's error
// (OpenRouter's `metadata.raw`), that reason too, which is often the only useful part.
function serverMessage(body: unknown): string {
  // Some servers (Hugging Face TGI, gateways) send `{"error": "the reason"}`: the reason is the text.
  if (typeof body === 'string') return body.trim() === '' ? '' : `: ${sentence(body)}`;
  const { message, metadata } = fields(body);
  const { raw, provider_name: provider } = fields(metadata);
  const parts: string[] = [];
  if (typeof message === 'string' && message.trim() !== '') parts.push(sentence(message));
  const reason = typeof raw === 'string' ? raw : raw === undefined ? undefined : JSON.stringify(raw);
  if (reason !== undefined && reason.trim() !== '') {
    parts.push(`${typeof provider === 'string' && provider !== '' ? `${provider} says ` : ''}${sentence(reason)}`);
  }
  return parts.length === 0 ? '' : `: ${parts.join('; ')}`;
}

// Trimmed, bounded and without its closing full stop, which the sentence around it supplies.
function sentence(text: string): string {
  const cut = text.length > SERVER_TEXT_LIMIT;
  return `${withoutClosingStop(text.slice(0, SERVER_TEXT_LIMIT))}${cut ? '…' : ''}`;
}

function fields(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

// fetch wraps the socket error twice: APIConnectionError → TypeError('fetch failed') → Error{code}.
function connectionReason(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const { code } = current as { code?: unknown };
    if (typeof code === 'string') return ` (${code})`;
    if (!(current.cause instanceof Error)) return current === error ? '' : ` (${current.message})`;
    current = current.cause;
  }
  return '';
}

// undici reports a connection dropped mid-body as TypeError('terminated'), outside the SDK's
// error classes: a streamed reply cut off by the server, a proxy or the network.
function isDroppedConnection(error: unknown): boolean {
  return error instanceof TypeError && error.message === 'terminated';
}
