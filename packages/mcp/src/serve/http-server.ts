import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createMcpHandler,
  hostHeaderValidationResponse,
  isLegacyRequest,
  localhostAllowedHostnames,
  originValidationResponse,
} from '@modelcontextprotocol/server';
import type { McpServerFactory } from '@modelcontextprotocol/server';
import { ConfigurationError } from '@tinyagent/core';
import { describeThrown, getLogger } from '@tinyagent/core/internal';
import { createLegacySessions } from './legacy-sessions.ts';
import { toWebRequest, writeWebResponse } from './node-fetch-bridge.ts';

/** Where and how the HTTP server listens. */
export interface HttpListenOptions {
  host: string;
  port: number;
  allowedHosts: readonly string[] | undefined;
  maxBodyBytes: number;
}

/** A running MCP server over Streamable HTTP. */
export interface McpHttpServer {
  /** The endpoint to give MCP clients, e.g. `http://127.0.0.1:43117/mcp`. */
  readonly url: string;
  /** Stops listening, ends calls in flight and closes every connection. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Sessions of 2025-era clients kept at most (see createLegacySessions). */
const MAX_SESSIONS = 100;

/** The path the server answers on; any other path is 404. */
export const MCP_PATH = '/mcp';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);
const EVERY_INTERFACE = new Set(['0.0.0.0', '::']);

/**
 * Serves the instances of `factory` over Streamable HTTP on node:http: 2026-07-28 clients through
 * the SDK's `createMcpHandler` (sessionless, as that revision is), 2025-era clients in sessions
 * (createLegacySessions says why). In front of both, the Host and Origin headers are checked
 * against the allowed host names, so that a web page cannot reach the server through DNS rebinding
 * (the SDK's entry checks neither).
 */
export async function startHttpServer(factory: McpServerFactory, options: HttpListenOptions): Promise<McpHttpServer> {
  const allowed = allowedHostnames(options);
  const legacy = createLegacySessions(factory, { maxBodyBytes: options.maxBodyBytes, maxSessions: MAX_SESSIONS });
  const modern = createMcpHandler(factory, {
    legacy: 'reject',
    maxRequestBodySize: options.maxBodyBytes,
    onerror: (error) => getLogger().debug(`MCP over HTTP: ${describeThrown(error)}`),
  });
  const origin = `http://${urlHost(options.host)}`;
  // The SDK's own classification, with the same body bound: a larger body goes the modern way, which answers 413.
  const route = async (request: Request): Promise<Response> =>
    (await isLegacyRequest(request, undefined, { maxRequestBodySize: options.maxBodyBytes }))
      ? legacy.fetch(request)
      : modern.fetch(request);
  const serve = async (message: IncomingMessage, response: ServerResponse): Promise<void> => {
    const request = toWebRequest(message, response, origin);
    const answer =
      hostHeaderValidationResponse(request, allowed) ??
      originValidationResponse(request, allowed) ??
      (new URL(request.url).pathname === MCP_PATH
        ? await route(request)
        : new Response('Not found: the MCP endpoint is /mcp.', { status: 404 }));
    await writeWebResponse(answer, response);
  };
  const server = createServer((message, response) => {
    serve(message, response).catch((error: unknown) => {
      getLogger().warn(`MCP over HTTP: a request failed: ${describeThrown(error)}`);
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([modern.close(), legacy.close()]);
      server.closeAllConnections();
      await stopped;
    })();
    return closing;
  };
  return { url: `http://${urlHost(options.host)}:${port}${MCP_PATH}`, close, [Symbol.asyncDispose]: close };
}

// The names a client may use to reach the server: the loopback names when it listens on loopback,
// else the host it was given, or the names the developer listed.
function allowedHostnames(options: HttpListenOptions): string[] {
  if (options.allowedHosts !== undefined) return options.allowedHosts.map(urlHost);
  if (LOOPBACK_HOSTS.has(options.host)) return localhostAllowedHostnames();
  if (EVERY_INTERFACE.has(options.host)) {
    throw new ConfigurationError(
      `serveMcp: listening on every interface (host '${options.host}') needs allowedHosts, the host names ` +
        "clients use to reach this machine (e.g. ['mcp.internal.example']): requests naming any other host are refused.",
    );
  }
  return [urlHost(options.host)];
}

// IPv6 addresses go in brackets in URLs and Host headers.
function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
