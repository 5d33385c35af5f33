// How the fake server writes its replies: JSON, OpenAI-shaped errors, and the broken replies of fault injection.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  ChatCompletionBody,
  FakeFault,
  FakeHttpError,
  FakeRawReply,
  FakeStreamError,
} from './fake-openai-server.ts';
import { normalizeReply } from '@tinyagent/core/internal';
import { completionBody, completionChunks, errorBody, errorTypeFor } from './wire-format.ts';

/** Writes `body` as a JSON response. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** Writes an OpenAI-shaped error response, with `retry-after` when asked for. */
export function sendError(response: ServerResponse, error: FakeHttpError): void {
  const headers: Record<string, string> = { ...error.headers };
  if (error.retryAfter !== undefined) headers['retry-after'] = String(error.retryAfter);
  const message = error.message ?? `Fake OpenAI server: scripted ${error.status} error.`;
  sendJson(
    response,
    error.status,
    errorBody(message, error.type ?? errorTypeFor(error.status), error.code ?? null),
    headers,
  );
}

/** Writes a raw reply's body as it is. */
export function sendRaw(response: ServerResponse, reply: FakeRawReply): void {
  response.writeHead(reply.status ?? 200, {
    'content-type': reply.contentType ?? 'application/json',
    'content-length': Buffer.byteLength(reply.raw),
  });
  response.end(reply.raw);
}

/** Writes an error inside a 200 stream (after `content`), or as an HTTP error when no stream was asked for. */
export function sendStreamError(response: ServerResponse, reply: FakeStreamError, body: ChatCompletionBody): void {
  const { code } = reply.streamError;
  const errorPayload = { error: { type: 'server_error', param: null, code: null, ...reply.streamError } };
  if (body.stream !== true) {
    const status = reply.status ?? (typeof code === 'number' && code >= 400 && code < 600 ? code : 500);
    sendJson(response, status, errorPayload);
    return;
  }
  const normalized = normalizeReply({ content: reply.content ?? '' }, () => 'call_unused', '');
  // The reply's opening chunks, without the finish chunk: the error cuts it short.
  const chunks = completionChunks(normalized, 'chatcmpl-stream-error', body.model, false).slice(0, -1);
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  response.end(
    [...chunks, errorPayload].map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join('') + 'data: [DONE]\n\n',
  );
}

/** Writes the broken reply a fault asks for. */
export function sendFault(
  incoming: IncomingMessage,
  response: ServerResponse,
  fault: FakeFault['fault'],
  body: ChatCompletionBody,
): void {
  switch (fault) {
    case 'hang':
      return;
    case 'reset':
      incoming.socket.resetAndDestroy();
      return;
    case 'malformed':
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"id": "chatcmpl-broken", "object": "chat.completion", "choices": [{"index": 0, "mess');
      return;
    case 'empty_choices':
      sendJson(response, 200, {
        id: 'chatcmpl-empty',
        object: 'chat.completion',
        created: 1_700_000_000,
        model: body.model,
        choices: [],
      });
      return;
    case 'truncated_stream': {
      const reply = normalizeReply({ content: 'This reply is cut off before it' }, () => 'call_truncated', '');
      if (body.stream === true) {
        const chunks = completionChunks(reply, 'chatcmpl-truncated', body.model, false).slice(0, 3);
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join(''), () => response.destroy());
      } else {
        const text = JSON.stringify(completionBody(reply, 'chatcmpl-truncated', body.model));
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        response.write(text.slice(0, Math.floor(text.length / 2)), () => response.destroy());
      }
      return;
    }
  }
}
