// Test support, not part of the package (tsconfig.lib.json excludes it): the workspace's loopback
// server, recording what it receives, for tests that exercise got end to end. Never mocked HTTP.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { startLoopbackServer } from '@tinyagent/fixtures';
import type { LoopbackHandler, LoopbackServer, LoopbackServerOptions } from '@tinyagent/fixtures';
import { afterEach } from 'vitest';
import { createWebBrowse } from './browse/web-browse.ts';
import type { WebBrowseOptions } from './browse/web-browse.ts';

/** A request as the test server received it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The client's port: the same port on two requests means the connection was reused. */
  remotePort: number | undefined;
}

/** Answers one request; it may leave the response open to simulate a server that hangs. */
export type TestHandler = LoopbackHandler;

/** A running test server, with the requests it received. */
export interface TestServer extends LoopbackServer {
  readonly requests: readonly ReceivedRequest[];
  /** Resolves when the server has received its `count`-th request (1-based). */
  readonly receivedRequest: (count?: number) => Promise<ReceivedRequest>;
}

/** Starts an HTTP server on 127.0.0.1 at a free port, answering with `handler` and recording each request. */
export async function startTestServer(handler: TestHandler, options: LoopbackServerOptions = {}): Promise<TestServer> {
  const requests: ReceivedRequest[] = [];
  const waiting: { count: number; resolve: (request: ReceivedRequest) => void }[] = [];
  const server = await startLoopbackServer((request, response) => {
    const received: ReceivedRequest = {
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      headers: request.headers,
      remotePort: request.socket.remotePort,
    };
    requests.push(received);
    for (const waiter of waiting.filter((entry) => entry.count === requests.length)) waiter.resolve(received);
    return handler(request, response);
  }, options);
  return {
    ...server,
    requests,
    receivedRequest: (count = 1) => {
      const already = requests[count - 1];
      if (already !== undefined) return Promise.resolve(already);
      return new Promise((resolve) => waiting.push({ count, resolve }));
    },
  };
}

/**
 * Returns a `startTestServer` whose servers are all closed after each test of the calling file, so
 * that no test leaves a server (or its connections) behind.
 */
export function useTestServers(): (handler: TestHandler, options?: LoopbackServerOptions) => Promise<TestServer> {
  const started: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.close()));
  });
  return async (handler, options) => {
    const server = await startTestServer(handler, options);
    started.push(server);
    return server;
  };
}

/** Sends `body` with status 200 (unless given) and the given content type. */
export function send(response: ServerResponse, contentType: string, body: string | Uint8Array, status = 200): void {
  response.writeHead(status, { 'content-type': contentType });
  response.end(body);
}

/** Sends `body` as JSON with the given status and extra headers. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** A small article page, for tests that need any ordinary page. */
export const TIDE_POOLS_PAGE = `<!doctype html><html><head><title>Tide pools</title></head><body><article>
<p>Tide pools are rocky pools on the seashore, filled with seawater at low tide. Many organisms live in them,
such as sea stars, mussels and clams, and they have to cope with a constantly changing environment.</p>
</article></body></html>`;

/**
 * web_browse allowed to reach the tests' own servers on 127.0.0.1: the SSRF guard has its own tests
 * in web-browse-guard.test.ts.
 */
export function loopbackBrowser(options: WebBrowseOptions = {}): ReturnType<typeof createWebBrowse> {
  return createWebBrowse({ allowPrivateNetwork: true, ...options });
}
