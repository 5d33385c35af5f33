import { RequestError } from 'got';
import { BlockedAddressError } from './browse/address-guard.ts';
import { WebToolError } from './web-tool-error.ts';

/** What a failed request was about, for its message. */
export interface RequestDescription {
  /** What was asked, as the model knows it: a URL, or a search service's name. */
  target: string;
  timeoutMs: number;
  maxRedirects: number;
}

/**
 * Describes a failed HTTP request (a got error, the guard's refusal, a WebToolError) in one sentence
 * a model can act on. Each cause gets its own wording, so that a timeout, a refused connection and a
 * refused address are never confused.
 */
export function describeRequestError(error: unknown, request: RequestDescription): string {
  const { target } = request;
  const blocked = findCause(error, (cause) => cause instanceof BlockedAddressError);
  if (blocked instanceof BlockedAddressError) {
    return `Refused to fetch ${target}: ${blocked.message}. Only public internet addresses may be fetched.`;
  }
  const failure = findCause(error, (cause) => WebToolError.isInstance(cause));
  if (WebToolError.isInstance(failure)) return `Could not fetch ${target}: ${failure.message}.`;
  const { code, name, message, host } = details(error);
  if (name === 'TimeoutError' || code === 'ETIMEDOUT') {
    return `${target} did not respond within ${formatSeconds(request.timeoutMs)} (timed out). Try again later or use another source.`;
  }
  if (code === 'ERR_TOO_MANY_REDIRECTS') {
    return `${target} redirected more than ${request.maxRedirects} times; giving up.`;
  }
  if (code === 'ERR_UNSUPPORTED_PROTOCOL') {
    return `${target} redirected to an address that is not http or https, which cannot be fetched (${message}).`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return `Could not resolve the host name ${host ?? 'of ' + target}: check the URL for typos.`;
  }
  if (code === 'ECONNREFUSED') return `${host ?? target} refused the connection (nothing is listening there).`;
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return `The connection to ${host ?? target} was closed before the response was complete.`;
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `${host ?? target} cannot be reached from here.`;
  if (code !== undefined && /CERT|TLS|SSL/.test(code)) {
    return `The TLS certificate of ${host ?? target} is not valid (${code}).`;
  }
  if (code === 'ERR_INVALID_HTTP_TOKEN' || code === 'ERR_INVALID_CHAR' || code === 'ERR_HTTP_INVALID_HEADER_VALUE') {
    return `A request header is invalid: ${message}`;
  }
  if (error instanceof RequestError) {
    return `Network error while fetching ${target}: ${message}${code === undefined ? '' : ` (${code})`}.`;
  }
  // Not a request failure at all: a bug in a search backend or a library. Still the model's to hear.
  return `${target} failed: ${name === undefined ? '' : `${name}: `}${message}.`;
}

function details(error: unknown): {
  code?: string | undefined;
  name?: string | undefined;
  message: string;
  host?: string | undefined;
} {
  if (!(error instanceof Error)) return { message: String(error) };
  const { code, hostname, options } = error as Error & {
    code?: unknown;
    hostname?: unknown;
    options?: { url?: unknown };
  };
  const cause = (error as { cause?: { hostname?: unknown } }).cause;
  const url = options?.url;
  const host =
    typeof hostname === 'string'
      ? hostname
      : typeof cause?.hostname === 'string'
        ? cause.hostname
        : url instanceof URL
          ? url.host
          : undefined;
  return { code: typeof code === 'string' ? code : undefined, name: error.name, message: error.message, host };
}

function findCause(error: unknown, matches: (cause: unknown) => boolean): unknown {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    if (matches(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function formatSeconds(milliseconds: number): string {
  return `${Number((milliseconds / 1000).toFixed(2))} s`;
}
