import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentEvent } from './agent-events.ts';
import { ConfigurationError } from '../errors.ts';
import type { ChatModel } from '../model/chat-model.ts';
import { MAX_UNREAD_EVENTS } from './event-stream.ts';
import { writeServerSentEvents } from './server-sent-node.ts';
import { createScriptedModel } from '../testing/scripted-model.ts';
import { collectEvents, createTestAgent, heldModel, parseServerSentEvents } from './test-fixtures.ts';

const TASK = 'What is 6 × 7?';
const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A real server on 127.0.0.1:0 whose handler is `handle`; `handled` holds what each call returned. */
async function serve(
  handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
): Promise<{ url: string; handled: Promise<void>[]; responses: ServerResponse[] }> {
  const handled: Promise<void>[] = [];
  const responses: ServerResponse[] = [];
  const server = createServer((request, response) => {
    responses.push(response);
    handled.push(handle(request, response));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, handled, responses };
}

/** Reads a response body until `until` holds for the text so far, or to its end. */
async function readText(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  until: (text: string) => boolean = () => false,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    text += decoder.decode(chunk.value, { stream: true });
    if (until(text)) break;
  }
  return text;
}

function stuckModel(): ChatModel {
  return {
    modelName: 'stuck-model',
    complete: (request) =>
      new Promise((_resolve, reject) => {
        request.signal?.addEventListener('abort', () => reject(request.signal?.reason as Error));
      }),
  };
}

function runState(events: readonly AgentEvent[]): string | undefined {
  const end = events.at(-1);
  return end?.type === 'run-end' ? end.result.state : undefined;
}

describe('writeServerSentEvents', () => {
  it('serves a run from a one-line handler: headers, every event, end', async () => {
    const agent = createTestAgent(createScriptedModel(['The product is 42.'], { chunkSize: 4 }));
    const { url, handled } = await serve((_request, response) =>
      writeServerSentEvents(agent.stream(TASK, { deltas: true }), response),
    );

    const response = await fetch(url);
    const { events } = parseServerSentEvents(await response.text());
    await Promise.all(handled);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(events.map((event) => event.event)).toContain('text-delta');
    expect(events.slice(-2).map((event) => event.event)).toEqual(['run-end', 'end']);
    expect(JSON.parse(events.at(-2)?.data ?? '')).toMatchObject({ result: { output: 'The product is 42.' } });
  });

  it('keeps headers the handler set, and its status', async () => {
    const agent = createTestAgent(createScriptedModel(['42']));
    const { url } = await serve((_request, response) => {
      response.statusCode = 202;
      response.setHeader('cache-control', 'no-store');
      return writeServerSentEvents(agent.stream(TASK), response, { heartbeatMs: 0 });
    });

    const response = await fetch(url);
    await response.text();

    expect(response.status).toBe(202);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('aborts the run when the client disconnects while the run waits on its model, and resolves', async () => {
    const { events, onEvent } = collectEvents();
    const agent = createTestAgent(stuckModel());
    const { url, handled } = await serve((_request, response) =>
      writeServerSentEvents(agent.stream(TASK, { onEvent }), response),
    );
    const client = new AbortController();

    const response = await fetch(url, { signal: client.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await readText(reader, (text) => text.includes('event: model-request'));
    client.abort();

    await expect(handled[0]).resolves.toBeUndefined();
    expect(runState(events)).toBe('aborted');
  });

  it('starts no run for a client that left before the handler wrote to it', async () => {
    const { events, onEvent } = collectEvents();
    const agent = createTestAgent(createScriptedModel(['42']));
    const client = new AbortController();
    const handled: Promise<void>[] = [];
    const { url } = await serve((_request, response) => {
      // The handler gets to the response only once the client is gone.
      response.once('close', () => handled.push(writeServerSentEvents(agent.stream(TASK, { onEvent }), response)));
      client.abort();
      return Promise.resolve();
    });

    await expect(fetch(url, { signal: client.signal })).rejects.toThrow();
    while (handled.length === 0) await new Promise((resolve) => setImmediate(resolve));

    await expect(handled[0]).resolves.toBeUndefined();
    expect(events).toEqual([]);
  });

  it('sends a keep-alive comment while the run is silent', async () => {
    // The model answers once the test heard a keep-alive: the run is silent until then.
    const { model: waiting, release: seen } = heldModel('42');
    const agent = createTestAgent(waiting);
    const { url } = await serve((_request, response) =>
      writeServerSentEvents(agent.stream(TASK), response, { heartbeatMs: 5 }),
    );

    const response = await fetch(url);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const before = await readText(reader, (text) => text.includes(': keep-alive\n\n'));
    seen();
    const text = before + (await readText(reader));

    expect(parseServerSentEvents(text).comments).toContain('keep-alive');
    expect(parseServerSentEvents(text).events.at(-1)?.event).toBe('end');
  });

  it('holds the run back while the client does not read, and sends everything once it does', async () => {
    // More than loopback's socket buffers hold: 8 MB in 8 192 pieces.
    const reply = 'y'.repeat(8 * 1024 * 1024);
    const agent = createTestAgent(createScriptedModel([reply], { chunkSize: 1024 }));
    let emitted = 0;
    const { url, responses } = await serve((_request, response) =>
      writeServerSentEvents(agent.stream(TASK, { deltas: true, onEvent: () => (emitted += 1) }), response),
    );

    const response = await fetch(url);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    // The client reads no more: the socket fills up, and the server waits for it to drain.
    const served = (): ServerResponse | undefined => responses[0];
    while (served()?.writableNeedDrain !== true && served()?.writableEnded !== true) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    const stalledAt = emitted;
    await new Promise((resolve) => setTimeout(resolve, 50));

    // The run went on by at most the events the stream queues unread, however long the client waits.
    expect(served()?.writableEnded).toBe(false);
    expect(emitted - stalledAt).toBeLessThanOrEqual(MAX_UNREAD_EVENTS + 4);
    const head = new TextDecoder().decode(first.value, { stream: true });
    const { events } = parseServerSentEvents(head + (await readText(reader)));
    const text = events.flatMap((event) =>
      event.event === 'text-delta' ? [(JSON.parse(event.data) as { text: string }).text] : [],
    );
    expect(text.join('')).toBe(reply);
    expect(events.at(-1)?.event).toBe('end');
  });

  it('sends stream-error and ends when the run cannot start', async () => {
    const agent = createTestAgent(createScriptedModel([]));
    const { url, handled } = await serve((_request, response) =>
      writeServerSentEvents(agent.stream(TASK, { maxStep: 3 } as never), response),
    );

    const { events } = parseServerSentEvents(await (await fetch(url)).text());
    await Promise.all(handled);

    expect(events.map((event) => event.event)).toEqual(['stream-error', 'end']);
  });

  it('refuses, at once, what is not a node response and unknown options', () => {
    const stream = (): AsyncIterable<AgentEvent> => createTestAgent(createScriptedModel(['42'])).stream(TASK);

    expect(() => writeServerSentEvents(stream(), new Response() as never)).toThrow(ConfigurationError);
    expect(() => writeServerSentEvents(stream(), {} as never, { heartbeatMS: 5 } as never)).toThrow(
      "writeServerSentEvents: unknown option 'heartbeatMS'. Did you mean 'heartbeatMs'?",
    );
  });
});
