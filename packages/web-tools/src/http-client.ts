import got from 'got';
import type { Got } from 'got';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { AddressGuard, DnsLookup } from './browse/address-guard.ts';

/**
 * The User-Agent the web tools send unless told otherwise: browser-compatible in form, so that
 * sites do not turn it away as a bare script, and honest about what is asking.
 */
export const DEFAULT_USER_AGENT =
  'Mozilla/5.0 (compatible; TinyAgent/1.0; +https://www.npmjs.com/package/@tinyagent/web-tools)';

/** How a web tool's HTTP client behaves. */
export interface HttpClientOptions {
  timeoutMs: number;
  maxRedirects: number;
  userAgent: string;
  /** The SSRF guard; undefined when private addresses are allowed. */
  guard: AddressGuard | undefined;
  /** Resolves host names when there is no guard (the guard brings its own lookup). */
  dnsLookup: DnsLookup | undefined;
}

/**
 * Creates the got instance of one tool: one keep-alive agent pair reused by every call, no retries
 * (a tool call is retried by the model, not behind its back), HTTP errors as responses rather than
 * exceptions, and redirects checked hop by hop. Idle sockets do not keep the process alive: Node
 * unreferences the sockets a keep-alive agent holds in its free pool.
 */
export function createHttpClient(options: HttpClientOptions): Got {
  const { guard } = options;
  return got.extend({
    agent: { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) },
    timeout: { request: options.timeoutMs },
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: true,
    maxRedirects: options.maxRedirects,
    dnsLookup: guard?.lookup ?? options.dnsLookup,
    headers: { 'user-agent': options.userAgent },
    hooks: {
      beforeRedirect: [
        // got itself refuses redirects to schemes other than http and https (ERR_UNSUPPORTED_PROTOCOL).
        // A hop to a host name meets the guard in the DNS lookup of its connection; an IP literal
        // never reaches a lookup, so it is checked here.
        (next) => guard?.checkHost(next.url instanceof URL ? next.url : new URL(String(next.url))),
      ],
    },
  });
}
