import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';

/**
 * The web-standard Request for a node:http request, its body streamed (so the SDK's body bound stops
 * reading early) and its signal aborted when the client goes away before the answer is written: on
 * the 2026-07-28 protocol, dropping the request is how a client cancels a call.
 */
export function toWebRequest(message: IncomingMessage, response: ServerResponse, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(message.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const disconnected = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) disconnected.abort(new Error('The client closed the connection.'));
  });
  const method = message.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(new URL(message.url ?? '/', origin), {
    method,
    headers,
    signal: disconnected.signal,
    ...(hasBody ? { body: Readable.toWeb(message) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
  });
}

/** Writes a web-standard Response to a node:http response, streaming its body (SSE answers are long-lived). */
export async function writeWebResponse(answer: Response, response: ServerResponse): Promise<void> {
  // As pairs, not an object: a header that repeats (Set-Cookie) keeps every value.
  response.writeHead(answer.status, [...answer.headers].flat());
  if (answer.body === null) {
    response.end();
    return;
  }
  // The first bytes of a stream go out at once: an SSE client waits for the headers.
  response.flushHeaders();
  try {
    await pipeline(Readable.fromWeb(answer.body as NodeReadableStream<Uint8Array>), response);
  } catch {
    // The client went away mid-answer: the pipeline has closed both ends, and nobody is left to tell.
  }
}
