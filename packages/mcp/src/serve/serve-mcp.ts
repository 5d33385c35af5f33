import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { ConfigurationError, DEFAULT_TOOL_TIMEOUT_MS } from '@tinyagent/core';
import type { Tool } from '@tinyagent/core';
import { checkMilliseconds, checkOptionKeys, collectTools, describeThrown, getLogger } from '@tinyagent/core/internal';
import { startHttpServer } from './http-server.ts';
import type { McpHttpServer } from './http-server.ts';
import { createToolServerFactory } from './tool-server.ts';

/** Options shared by both transports of `serveMcp`. */
interface ServeMcpCommonOptions {
  /** The server's name, as MCP clients show it; default `'tinyagent'`. */
  name?: string | undefined;
  /** The server's version, as MCP clients show it; default `'1.0.0'`. */
  version?: string | undefined;
  /**
   * The deadline of a call, in milliseconds, for tools without a `timeoutMs` of their own (theirs
   * wins); default 60 000, as in agents.
   */
  toolTimeoutMs?: number | undefined;
}

/** Options of `serveMcp` over Streamable HTTP (the default transport). */
export interface ServeMcpHttpOptions extends ServeMcpCommonOptions {
  transport?: 'http' | undefined;
  /**
   * The address to listen on; default `'127.0.0.1'`, this machine only. Any other address lets
   * whoever reaches it call your tools, with your rights: put authentication in front first.
   */
  host?: string | undefined;
  /** The port; default 0, a free one (read it from the returned `url`). */
  port?: number | undefined;
  /**
   * The host names clients may name in the `Host` and `Origin` headers (no ports; IPv6 in
   * brackets). Default: `localhost`, `127.0.0.1` and `[::1]` on loopback, else `host`. Requests
   * naming another host get 403: the guard against DNS rebinding.
   */
  allowedHosts?: readonly string[] | undefined;
  /** The largest request body accepted, in bytes; larger ones get 413. Default 1 MiB. */
  maxBodyBytes?: number | undefined;
}

/** Options of `serveMcp` over stdio. */
export interface ServeMcpStdioOptions extends ServeMcpCommonOptions {
  /** Serve on this process's stdin and stdout. Nothing else may write to stdout: log to stderr. */
  transport: 'stdio';
}

/** A running MCP server over stdio. */
export interface McpStdioServer {
  /** Stops serving and closes the connection. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of `serveMcp`: `transport` picks HTTP (default) or stdio. */
export type ServeMcpOptions = ServeMcpHttpOptions | ServeMcpStdioOptions;

export type { McpHttpServer };

const COMMON_KEYS = ['transport', 'name', 'version', 'toolTimeoutMs'];
const HTTP_KEYS = [...COMMON_KEYS, 'host', 'port', 'allowedHosts', 'maxBodyBytes'];
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Serves TinyAgent tools as an MCP server, over Streamable HTTP on 127.0.0.1 (default) or over
 * stdio. An agent is served through `agent.asTool(...)`. Each tool is listed with its arguments'
 * JSON Schema, and with an `outputSchema` when it declares `returns` (its results then carry
 * `structuredContent`). A call runs as in an agent run: invalid arguments and tool failures come
 * back as `isError` results with the same messages (secrets redacted, never a stack); a client's
 * cancellation aborts the call's signal; the tool's `timeoutMs` (else `toolTimeoutMs`) bounds it.
 * A tool that needs approval is declined: nobody can approve it over MCP.
 */
export function serveMcp(tools: readonly Tool[], options?: ServeMcpHttpOptions): Promise<McpHttpServer>;
export function serveMcp(tools: readonly Tool[], options: ServeMcpStdioOptions): Promise<McpStdioServer>;
export async function serveMcp(
  tools: readonly Tool[],
  options: ServeMcpOptions = {},
): Promise<McpHttpServer | McpStdioServer> {
  const stdio = options.transport === 'stdio';
  checkOptionKeys(options, stdio ? COMMON_KEYS : HTTP_KEYS, `serveMcp (${stdio ? 'stdio' : 'http'})`);
  if (options.transport !== undefined && options.transport !== 'http' && !stdio) {
    throw new ConfigurationError(`serveMcp: transport must be 'http' or 'stdio', not ${String(options.transport)}.`);
  }
  checkMilliseconds('serveMcp: toolTimeoutMs', options.toolTimeoutMs);
  const factory = createToolServerFactory({
    tools: toolsByName(tools),
    name: options.name ?? 'tinyagent',
    version: options.version ?? '1.0.0',
    toolTimeoutMs: options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
  });
  if (options.transport === 'stdio') return serveOnStdio(factory);
  return startHttpServer(factory, {
    host: options.host ?? '127.0.0.1',
    port: checkPort(options.port ?? 0),
    allowedHosts: options.allowedHosts,
    maxBodyBytes: checkBodyBytes(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES),
  });
}

function serveOnStdio(factory: Parameters<typeof serveStdio>[0]): McpStdioServer {
  // Errors go to the logger, which writes to stderr: stdout carries the protocol alone.
  const handle = serveStdio(factory, {
    onerror: (error) => getLogger().warn(`MCP over stdio: ${describeThrown(error)}`),
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= handle.close());
  return { close, [Symbol.asyncDispose]: close };
}

// Checked as an agent checks its tools (non-empty, made by tool(), unique names).
function toolsByName(tools: readonly Tool[]): Map<string, Tool> {
  collectTools(tools, 'serveMcp');
  return new Map(tools.map((item) => [item.name, item]));
}

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigurationError(`serveMcp: port must be an integer from 0 to 65535 (0: a free one), not ${port}.`);
  }
  return port;
}

function checkBodyBytes(bytes: number): number {
  if (!Number.isInteger(bytes) || bytes <= 0) {
    throw new ConfigurationError(`serveMcp: maxBodyBytes must be a positive integer, not ${bytes}.`);
  }
  return bytes;
}
