import { Readable } from 'node:stream';
import { Client, SdkError, SdkErrorCode, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { CallToolResult, Tool as McpToolDefinition, Transport } from '@modelcontextprotocol/client';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/client/stdio';
import { redactSecrets } from '@tinyagent/core';
import { describeThrown, getLogger } from '@tinyagent/core/internal';
import { McpServerError } from './mcp-server-error.ts';
import { isHttpServer } from './server-config.ts';
import type { McpServerConfig } from './server-config.ts';
import { StderrLog } from './stderr-lines.ts';

/** The bounds and callbacks one server connection works with (set by `connectMcp`). */
export interface ServerConnectionOptions {
  connectTimeoutMs: number;
  maxPages: number;
  maxTools: number;
  /** Called after the server said its tool list changed and the new list was read. */
  onListChanged: () => void;
}

const CLIENT_INFO = { name: 'tinyagent', version: '2.0.0' };

/**
 * One MCP server: its SDK client, its transport and its tool list. It outlives the client: after a
 * crash, `reconnect()` starts a new client behind the same object, so tools made for it keep working.
 */
export class ServerConnection {
  readonly config: McpServerConfig;
  readonly #options: ServerConnectionOptions;
  #client: Client | undefined;
  #stderr: StderrLog | undefined;
  #definitions: readonly McpToolDefinition[] = [];
  // Set when the connection ends by itself (crash, exit, dropped); calls then fail with it.
  #failure: McpServerError | undefined;
  #closed = false;

  constructor(config: McpServerConfig, options: ServerConnectionOptions) {
    this.config = config;
    this.#options = options;
  }

  get name(): string {
    return this.config.name;
  }

  /** The tools the server listed last. */
  get definitions(): readonly McpToolDefinition[] {
    return this.#definitions;
  }

  /** True when the connection ended by itself and needs `reconnect()`. */
  get failed(): boolean {
    return this.#failure !== undefined;
  }

  /** Connects (starting the process of a stdio server) and lists the tools. */
  async connect(signal?: AbortSignal): Promise<void> {
    this.#closed = false;
    this.#failure = undefined;
    const client = new Client(CLIENT_INFO, {
      listMaxPages: this.#options.maxPages,
      // The SDK only tells us; the list is read here, with our bounds and errors.
      listChanged: { tools: { autoRefresh: false, debounceMs: 100, onChanged: () => this.#onListChanged(client) } },
    });
    client.onclose = () => {
      this.#onClosed(client);
    };
    client.onerror = (error) => {
      getLogger().debug(`mcp server '${this.name}': ${error.message}`);
    };
    this.#client = client;
    try {
      await client.connect(this.#createTransport(client), {
        timeout: this.#options.connectTimeoutMs,
        ...withSignal(signal),
      });
      await this.listTools(signal);
    } catch (error) {
      this.#client = undefined;
      await client.close().catch(() => undefined);
      const failure = McpServerError.isInstance(error)
        ? error
        : this.#error(`could not be started or reached: ${describe(error)}`);
      // Still failed, not closed: a later refresh() starts it again.
      if (!this.#closedByUser) this.#failure = failure;
      if (signal?.aborted === true) throw signal.reason;
      throw failure;
    }
    // Closed by its user while it started: the process just started must not outlive the connection.
    if (this.#closedByUser) {
      await this.#shutdown();
      throw this.#error('was closed while it started.');
    }
  }

  /**
   * Closes the connection and starts it again, then lists the tools. Two at once (two `refresh()`
   * calls after a crash) share one restart: a second would start a second server process and
   * orphan the first.
   */
  reconnect(signal?: AbortSignal): Promise<void> {
    this.#reconnecting ??= (async () => {
      await this.#shutdown();
      await this.connect(signal);
    })().finally(() => {
      this.#reconnecting = undefined;
    });
    return this.#reconnecting;
  }

  #reconnecting: Promise<void> | undefined;

  /** Reads the whole tool list again (following `nextCursor`, at most `maxPages` pages). */
  async listTools(signal?: AbortSignal): Promise<readonly McpToolDefinition[]> {
    const client = this.usableClient();
    let tools: McpToolDefinition[];
    try {
      ({ tools } = await client.listTools(undefined, {
        cacheMode: 'refresh',
        timeout: this.#options.connectTimeoutMs,
        ...withSignal(signal),
      }));
    } catch (error) {
      if (signal?.aborted === true) throw signal.reason;
      throw this.#failure ?? this.#error(`could not list its tools: ${describe(error)}`);
    }
    if (tools.length > this.#options.maxTools) {
      throw this.#error(
        `lists ${tools.length} tools, more than maxTools (${this.#options.maxTools}). Raise maxTools if you trust it.`,
      );
    }
    this.#definitions = tools;
    return tools;
  }

  /**
   * Calls a tool and resolves with `convert` of its result. `timeoutMs` is the call's deadline: the
   * SDK's own timer, which tells the server the call is cancelled, and then `timedOut` makes the
   * error. The signal, when given, cancels the call the same way. What `convert` throws rejects the
   * call as it is.
   */
  callTool<T>(
    name: string,
    args: Record<string, unknown>,
    signal: AbortSignal | undefined,
    timeoutMs: number,
    convert: (result: CallToolResult) => T,
    timedOut: () => Error,
  ): Promise<T> {
    // One `then`, not an async function nor a catch after a then: every call of every MCP tool
    // comes through here, and each promise of the chain is allocated and awaited per call.
    let client: Client;
    try {
      client = this.usableClient();
    } catch (error) {
      return Promise.reject(error);
    }
    // No signal for a call nothing can abort: the SDK would listen to it for nothing.
    const options = signal === undefined ? { timeout: timeoutMs } : { signal, timeout: timeoutMs };
    return client.callTool({ name, arguments: args }, options).then(convert, (error: unknown) => {
      throw this.#callError(error, signal, timedOut);
    });
  }

  #callError(error: unknown, signal: AbortSignal | undefined, timedOut: () => Error): unknown {
    if (signal?.aborted === true) return signal.reason;
    if (this.#failure !== undefined) return this.#failure;
    if (error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout) return timedOut();
    // A protocol error (unknown tool, invalid params) is the server's answer: the model may fix it.
    // The SDK's error is not kept as the cause: its text may echo a header or a server's body.
    return new Error(describe(error));
  }

  /** Closes the client and its transport (a stdio server's process ends). Safe to call twice. */
  async close(): Promise<void> {
    this.#closedByUser = true;
    await this.#shutdown();
  }

  // Set by close(), never cleared: a closed connection stays closed, restart or not.
  #closedByUser = false;

  async #shutdown(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = undefined;
    await client?.close().catch((error: unknown) => {
      getLogger().debug(`mcp server '${this.name}': closing failed: ${describe(error)}`);
    });
  }

  /** The SDK client of the current connection; throws when the server crashed or was closed. */
  usableClient(): Client {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#client === undefined) {
      throw this.#error('is not connected: the connection was closed. Call connectMcp again to use it.');
    }
    return this.#client;
  }

  #createTransport(client: Client): Transport {
    const { config } = this;
    if (isHttpServer(config)) {
      return new StreamableHTTPClientTransport(new URL(config.url), {
        requestInit: { headers: { ...config.headers } },
        fetch: (url, init) => this.#fetchWatching(client, url, init),
      });
    }
    const transport = new StdioClientTransport({
      command: config.command,
      args: [...(config.args ?? [])],
      env: { ...getDefaultEnvironment(), ...config.env },
      ...(config.cwd === undefined ? {} : { cwd: config.cwd }),
      stderr: 'pipe',
    });
    this.#stderr = new StderrLog(this.name);
    const stream = transport.stderr;
    // A PassThrough made before the process starts, so that no early line is lost.
    if (stream instanceof Readable) this.#stderr.follow(stream);
    return transport;
  }

  // The SDK's HTTP transport never closes by itself: when the server goes away, a call in flight
  // waits for its deadline, and every later one fails with a bare "fetch failed" that refresh() does
  // not take for a crash. A request that cannot reach the server, or that names a session the server
  // no longer knows (404: it restarted), ends the connection as an exited process does.
  async #fetchWatching(client: Client, url: string | URL, init?: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      if (init?.signal?.aborted !== true) this.#lost(client);
      throw error;
    }
    if (response.status === 404 && new Headers(init?.headers).has('mcp-session-id')) this.#lost(client);
    return response;
  }

  #lost(client: Client): void {
    if (this.#closed || client !== this.#client || this.#failure !== undefined) return;
    this.#onClosed(client);
    // Closing rejects the calls in flight; they fail with the failure just set.
    void client.close().catch(() => undefined);
  }

  #onClosed(client: Client): void {
    // A client replaced by a reconnect, or closed on purpose, is no failure; nor is a second report of one.
    if (this.#closed || client !== this.#client || this.#failure !== undefined) return;
    // Kept lines were redacted whole (StderrLog), so cutting them here leaves no part of a key.
    const lines = this.#stderr?.lastLines() ?? [];
    const tail = lines.length === 0 ? '' : ` Its last stderr: ${lines.map((line) => line.slice(0, 200)).join(' | ')}.`;
    this.#failure = this.#error(
      `closed the connection (${isHttpServer(this.config) ? 'the server went away' : 'its process exited or crashed'}).${tail} ` +
        'Call refresh() on the MCP connection to start it again.',
    );
    getLogger().warn(this.#failure.message);
  }

  #onListChanged(client: Client): void {
    if (client !== this.#client) return;
    this.listTools().then(
      () => {
        this.#options.onListChanged();
      },
      (error: unknown) => {
        getLogger().warn(`mcp server '${this.name}': the tool list changed but could not be read: ${describe(error)}`);
      },
    );
  }

  // No SDK error is kept as the cause: its text may echo a header or a server's body.
  #error(what: string): McpServerError {
    return new McpServerError(redactSecrets(`MCP server '${this.name}' ${what}`), { serverName: this.name });
  }
}

function withSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}

// Core's one-line description (never throws, whatever was thrown), cut: an SDK error may quote a whole body.
// Redacted before the cut: a secret cut in two would no longer be found, and its first part would stay.
function describe(error: unknown): string {
  const text = redactSecrets(describeThrown(error));
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
