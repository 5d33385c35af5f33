// Test support, not part of the package (tsconfig.lib.json excludes it): a real HTTP server on
// loopback at a free port, for tests that exercise got end to end. Never mocked HTTP.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

/** A request as the test server received it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The client's port: the same port on two requests means the connection was reused. */
  remotePort: number | undefined;
}

/** Answers one request; it may leave the response open to simulate a server that hangs. */
export type TestHandler = (request: IncomingMessage, response: ServerResponse) => unknown;

/** A running test server. */
export interface TestServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` (or the host it listens on), without a trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly requests: readonly ReceivedRequest[];
  /** Resolves when the server has received its `count`-th request (1-based). */
  readonly receivedRequest: (count?: number) => Promise<ReceivedRequest>;
  /** Closes the server and drops its connections, open and idle. */
  close(): Promise<void>;
}

/** Where and how the test server listens. */
export interface TestServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** How long an idle keep-alive connection stays open; Node's default is 5 s. */
  keepAliveTimeoutMs?: number;
}

/** Starts an HTTP server on loopback at a free port, answering with `handler`. */
export async function startTestServer(handler: TestHandler, options: TestServerOptions = {}): Promise<TestServer> {
  const { host = '127.0.0.1', keepAliveTimeoutMs } = options;
  const requests: ReceivedRequest[] = [];
  const waiting: { count: number; resolve: (request: ReceivedRequest) => void }[] = [];
  const server = createServer((request, response) => {
    const received: ReceivedRequest = {
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      headers: request.headers,
      remotePort: request.socket.remotePort,
    };
    requests.push(received);
    for (const waiter of waiting.filter((entry) => entry.count === requests.length)) waiter.resolve(received);
    Promise.resolve(handler(request, response)).catch((error: unknown) => {
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  if (keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = keepAliveTimeoutMs;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const close = async (): Promise<void> => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    requests,
    receivedRequest: (count = 1) => {
      const already = requests[count - 1];
      if (already !== undefined) return Promise.resolve(already);
      return new Promise((resolve) => waiting.push({ count, resolve }));
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * Returns a `startTestServer` whose servers are all closed after each test of the calling file, so
 * that no test leaves a server (or its connections) behind.
 */
export function useTestServers(): (handler: TestHandler, options?: TestServerOptions) => Promise<TestServer> {
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
