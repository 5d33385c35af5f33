import type { Got, Request, PlainResponse } from 'got';
import type { IncomingHttpHeaders } from 'node:http';

/** The response to a page request, its body not yet read. */
export interface OpenedPage {
  /** The address that answered, after redirects. */
  url: string;
  status: number;
  statusText: string;
  contentType: string;
  headers: IncomingHttpHeaders;
  /** Reads the (decompressed) body, stopping at `maxBytes`: a larger page is cut, never buffered whole. */
  read(maxBytes: number): Promise<PageBody>;
  /** Drops the body unread and frees the connection. */
  discard(): void;
}

/** A page body as read, and whether it was cut at the byte cap. */
export interface PageBody {
  bytes: Uint8Array;
  truncated: boolean;
}

/** What `openPage` sends, and how long it may take. */
export interface PageRequest {
  headers: Record<string, string>;
  signal: AbortSignal;
  timeoutMs: number;
  /** Headers sent to `url`'s origin only: dropped on a redirect to any other origin (API keys). */
  originBoundHeaders?: readonly string[];
}

/**
 * Requests `url` as a stream and resolves once the response headers of the last redirect hop are
 * in, so the caller can refuse a status or a content type before any of the body is downloaded.
 * `timeoutMs` bounds everything, redirects and body included (got's own timeout restarts on each
 * hop). Rejects with got's error (timeouts, refused connections, the address guard's refusal).
 */
export async function openPage(client: Got, url: URL, request: PageRequest): Promise<OpenedPage> {
  // got reports an abort whose reason is a TimeoutError as its own TimeoutError (ETIMEDOUT).
  const deadline = AbortSignal.any([request.signal, AbortSignal.timeout(request.timeoutMs)]);
  const bound = new Set((request.originBoundHeaders ?? []).map((name) => name.toLowerCase()));
  const stream = client.stream(url, {
    headers: request.headers,
    signal: deadline,
    // got strips only the credentials it knows (authorization, cookie) on a hop to another origin;
    // an API key in a header of its own would travel on.
    hooks: {
      beforeRedirect:
        bound.size === 0
          ? []
          : [
              (next) => {
                if (new URL(String(next.url)).origin === url.origin) return;
                next.headers = Object.fromEntries(Object.entries(next.headers).filter(([name]) => !bound.has(name)));
              },
            ],
    },
  });
  const response = await new Promise<PlainResponse>((resolve, reject) => {
    stream.once('response', resolve);
    stream.once('error', reject);
  });
  return {
    url: response.url,
    status: response.statusCode,
    statusText: response.statusMessage ?? '',
    contentType: headerValue(response.headers['content-type']),
    headers: response.headers,
    read: (maxBytes) => readCapped(stream, maxBytes),
    discard: () => stream.destroy(),
  };
}

async function readCapped(stream: Request, maxBytes: number): Promise<PageBody> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  // got hands out decompressed chunks, so the cap holds against compression bombs too. Leaving
  // the loop early destroys the stream, which stops the download and the decompression.
  for await (const chunk of stream as AsyncIterable<Uint8Array>) {
    const room = maxBytes - size;
    if (chunk.byteLength > room) {
      chunks.push(chunk.subarray(0, room));
      size += room;
      return { bytes: Buffer.concat(chunks, size), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  return { bytes: Buffer.concat(chunks, size), truncated: false };
}

function headerValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}
