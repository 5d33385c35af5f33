// dispatcherFetch must be indistinguishable from the global fetch for what the openai SDK sends, so
// every case runs through both against the same local server and the outcomes are compared.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BufferedResponse } from './buffered-response.ts';
import { dispatcherFetch } from './dispatcher-fetch.ts';

const BIG = Buffer.alloc(8 * 1024 * 1024, 'tinyagent ');
const JSON_BODY = JSON.stringify({ id: 'chatcmpl-1', choices: [{ message: { content: 'hi' } }] });

async function readBody(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
}

const routes: Record<string, (request: IncomingMessage, response: ServerResponse) => void | Promise<void>> = {
  '/json': (_request, response) => {
    response.writeHead(200, 'Fine', [
      ['content-type', 'application/json'],
      ['x-request-id', 'req_1'],
      ['x-multi', 'a'],
      ['x-multi', 'b'],
    ]);
    response.end(JSON_BODY);
  },
  '/echo': async (request, response) => {
    const { authorization, 'content-type': contentType, 'x-extra': extra } = request.headers;
    const body = await readBody(request);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ method: request.method, url: request.url, authorization, contentType, extra, body }));
  },
  '/error': (_request, response) => {
    response.writeHead(500, { 'content-type': 'application/json', 'retry-after': '1' });
    response.end('{"error":{"message":"boom"}}');
  },
  '/truncated': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': JSON_BODY.length });
    response.write(JSON_BODY.slice(0, 10), () => response.destroy());
  },
  '/reset': (request) => {
    request.socket.resetAndDestroy();
  },
  '/sse': async (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    for (let index = 0; index < 5; index += 1) {
      response.write(`data: {"n":${index}}\n\n`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    response.end('data: [DONE]\n\n');
  },
  '/big': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    response.end(BIG);
  },
  '/gzip': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    response.end(gzipSync(JSON_BODY));
  },
  '/br': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'br' });
    response.end(brotliCompressSync(JSON_BODY));
  },
  '/redirect': (_request, response) => {
    response.writeHead(307, { location: '/echo' });
    response.end();
  },
  '/empty': (_request, response) => {
    response.writeHead(204);
    response.end();
  },
  '/big-json': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ text: BIG.toString() }));
  },
  '/hang': () => undefined,
  '/stall-ndjson': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    response.write('{"n":0}\n');
  },
  '/odd-reason': (_request, response) => {
    response.writeHead(200, 'Fin\u00e9', { 'content-type': 'application/json' });
    response.end('{}');
  },
  '/stall-json': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"id":');
  },
  '/stall-body': (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write('data: {"n":0}\n\n');
  },
};

let server: Server;
let base: string;
const openSockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((request, response) => {
    const route = routes[new URL(request.url ?? '/', 'http://x').pathname];
    void route?.(request, response);
  });
  server.on('connection', (socket) => {
    openSockets.add(socket);
    socket.on('close', () => openSockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Node creates its dispatcher on the first fetch; before that dispatcherFetch hands over to fetch.
  await (await fetch(`${base}/json`)).text();
});

afterAll(async () => {
  for (const socket of openSockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => {
  vi.restoreAllMocks();
});

type Fetch = typeof dispatcherFetch;

// What a caller can observe of a response or failure, read the way the openai SDK reads it.
async function outcome(send: Fetch, path: string, init?: RequestInit): Promise<unknown> {
  try {
    const response = await send(`${base}${path}`, init);
    const bytes = Buffer.from(await response.arrayBuffer());
    const text = bytes.length > 100_000 ? createHash('sha256').update(bytes).digest('hex') : bytes.toString();
    return {
      status: response.status,
      statusText: response.statusText,
      ok: response.ok,
      url: response.url,
      headers: [...response.headers].filter(([name]) => name !== 'date' && name !== 'keep-alive'),
      text,
    };
  } catch (error) {
    return failure(error);
  }
}

function failure(error: unknown): unknown {
  if (!(error instanceof Error)) return { thrown: error };
  return { name: error.name, message: error.message, hasCause: error.cause !== undefined };
}

const post = (body: string | Uint8Array, extra: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  body,
  headers: new Headers({ authorization: 'Bearer sk-test', 'content-type': 'application/json', ...extra }),
});

describe('dispatcherFetch against fetch', () => {
  it.each([
    ['a JSON reply with repeated headers', '/json', undefined],
    ['a URL with a fragment', '/json#part', undefined],
    ['a POST with headers and a string body', '/echo', post('{"model":"m"}', { 'x-extra': 'yes' })],
    [
      'a POST with a byte body and a record of headers',
      '/echo',
      { method: 'POST', body: new TextEncoder().encode('{}'), headers: { 'x-extra': 'bytes' } },
    ],
    ['a 500 with its body and headers', '/error', post('{}')],
    ['a body cut short by the server', '/truncated', undefined],
    ['a connection reset before any reply', '/reset', post('{}')],
    ['a server-sent event stream', '/sse', post('{"stream":true}')],
    ['an 8 MiB body read through back-pressure', '/big', undefined],
    ['an 8 MiB JSON reply, past what is collected whole', '/big-json', undefined],
    ['a gzip body, decoded', '/gzip', undefined],
    ['a brotli body, decoded', '/br', undefined],
    ['a 204 with no body', '/empty', undefined],
    ['a 307 redirect followed with its POST body', '/redirect', post('{"again":true}')],
  ] as const)('gives the same outcome for %s', async (_name, path, init) => {
    const expected = await outcome(fetch, path, init);
    const actual = await outcome(dispatcherFetch, path, init);

    expect(actual).toEqual(expected);
  });

  it('sends plain requests without calling fetch, and hands the rest to it', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');

    await (await dispatcherFetch(`${base}/json`)).text();
    await (await dispatcherFetch(`${base}/echo`, post('{}'))).text();
    expect(fetchSpy).not.toHaveBeenCalled();

    await (await dispatcherFetch(new Request(`${base}/json`))).text();
    await (await dispatcherFetch(`${base}/json`, { body: new Blob(['x']), method: 'POST' })).text();
    expect(fetchSpy).toHaveBeenCalledTimes(2);
  });

  it('hands over a JSON reply read whole, and streams what must be streamed', async () => {
    const whole = await dispatcherFetch(`${base}/json`);
    const events = await dispatcherFetch(`${base}/sse`, post('{"stream":true}'));
    const compressed = await dispatcherFetch(`${base}/gzip`);
    const large = await dispatcherFetch(`${base}/big-json`);

    expect(whole).toBeInstanceOf(BufferedResponse);
    for (const response of [events, compressed, large]) expect(response).not.toBeInstanceOf(BufferedResponse);
    await Promise.all([whole, events, compressed, large].map((response) => response.text()));
  });

  it.each([
    ['an event stream', '/stall-body', 'data: {"n":0}\n\n'],
    ['a body that is not JSON', '/stall-ndjson', '{"n":0}\n'],
  ])('streams %s without waiting for its end', async (_name, path, first) => {
    const response = await dispatcherFetch(`${base}${path}`, post('{"stream":true}'));
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();

    const chunk = await reader.read();

    expect(Buffer.from(chunk.value ?? []).toString()).toBe(first);
    await reader.cancel();
  });

  it('answers with an empty status text when the server sends one a Response cannot hold', async () => {
    const response = await dispatcherFetch(`${base}/odd-reason`);

    expect([response.status, response.statusText, await response.json()]).toEqual([200, '', {}]);
  });
});

describe('dispatcherFetch aborts as fetch does', () => {
  const reason = new Error('caller gave up');

  it('rejects at once with the reason of an already aborted signal', async () => {
    const signal = AbortSignal.abort(reason);

    await expect(dispatcherFetch(`${base}/json`, { signal })).rejects.toBe(reason);
    await expect(fetch(`${base}/json`, { signal })).rejects.toBe(reason);
  });

  it('rejects with the reason when aborted while waiting for the reply', async () => {
    for (const send of [fetch, dispatcherFetch]) {
      const controller = new AbortController();
      const pending = send(`${base}/hang`, { ...post('{}'), signal: controller.signal });
      setTimeout(() => controller.abort(reason), 20);

      await expect(pending).rejects.toBe(reason);
    }
  });

  it('errors the body with the reason when aborted while it streams', async () => {
    for (const send of [fetch, dispatcherFetch]) {
      const controller = new AbortController();
      const response = await send(`${base}/stall-body`, { ...post('{}'), signal: controller.signal });
      const reading = response.text();
      controller.abort(reason);

      await expect(reading).rejects.toBe(reason);
    }
  });

  it('fails the reading with the reason when aborted while a JSON body is still arriving', async () => {
    for (const send of [fetch, dispatcherFetch]) {
      const controller = new AbortController();
      const reading = send(`${base}/stall-json`, { ...post('{}'), signal: controller.signal }).then((response) =>
        response.text(),
      );
      setTimeout(() => controller.abort(reason), 20);

      await expect(reading).rejects.toBe(reason);
    }
  });

  it('rejects with an AbortError when aborted without a reason', async () => {
    const outcomes = [];
    for (const send of [fetch, dispatcherFetch]) {
      const controller = new AbortController();
      const pending = send(`${base}/hang`, { signal: controller.signal });
      controller.abort();
      outcomes.push(await pending.catch(failure));
    }

    expect(outcomes[1]).toEqual(outcomes[0]);
    expect(outcomes[0]).toMatchObject({ name: 'AbortError' });
  });
});
