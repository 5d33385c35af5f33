// The fake model of the streaming measurements: a chat-completions server that streams the reply a
// model name asks for (stream-script.ts). Not @tinyagent/testing's fake server, which builds a whole
// reply before it writes and has one piece size per server: here the first piece leaves at once, on
// its own, so that time to first delta measures the client; every request names its own reply; and
// the rest is written only as fast as the socket takes it, so that a client that stops reading holds
// the server back through TCP, as a real model's server is held back, instead of the server queueing
// megabytes.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseStreamRequest, streamCompletion, streamEvents } from './stream-script.ts';

/** A running streaming server. */
export interface StreamServer {
  /** Base URL to give a client, ending in `/v1`. */
  url: string;
  close(): Promise<void>;
}

interface RequestBody {
  model?: unknown;
  messages?: { role?: unknown; content?: unknown }[];
  stream?: unknown;
  stream_options?: { include_usage?: unknown };
}

/** Starts the streaming server on 127.0.0.1 at a free port. */
export async function startStreamServer(): Promise<StreamServer> {
  const server = createServer((incoming, response) => {
    answer(incoming, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}

async function answer(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RequestBody;
  const model = typeof body.model === 'string' ? body.model : '';
  const plan = incoming.url === '/v1/chat/completions' ? parseStreamRequest(model, lastUserText(body)) : undefined;
  if (plan === undefined) {
    const error = { error: { message: `No streamed reply for model '${model}'.`, type: 'invalid_request_error' } };
    response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(error));
    return;
  }
  if (body.stream !== true) {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(streamCompletion(plan, model)));
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const events = streamEvents(plan, model, body.stream_options?.include_usage === true);
  // The role chunk and the first piece, at once and on their own.
  const head = [events.next().value, events.next().value].join('');
  if (!(await written(response, head))) return;
  let batch = '';
  for (const text of events) {
    batch += text;
    // About one TCP segment per write: a write per event would cost the server more than the client.
    if (batch.length < 16_384) continue;
    if (!response.write(batch) && !(await drained(response))) return;
    batch = '';
  }
  response.end(batch);
}

// Clients send the task as a string or as text parts.
function lastUserText(body: RequestBody): string {
  const content = (body.messages ?? []).findLast((message) => message.role === 'user')?.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => {
      const text = (part as { text?: unknown }).text;
      return typeof text === 'string' ? text : '';
    })
    .join('');
}

function written(response: ServerResponse, text: string): Promise<boolean> {
  return new Promise((resolve) => response.write(text, (error) => resolve(error == null)));
}

// Resolves true once the socket takes more, false if the client went away meanwhile.
function drained(response: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const onDrain = (): void => {
      response.off('close', onClose);
      resolve(true);
    };
    const onClose = (): void => {
      response.off('drain', onDrain);
      resolve(false);
    };
    response.once('drain', onDrain);
    response.once('close', onClose);
  });
}
