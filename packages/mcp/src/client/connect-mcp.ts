import type { Client } from '@modelcontextprotocol/client';
import { ConfigurationError } from '@tinyagent/core';
import type { Tool } from '@tinyagent/core';
import { checkMilliseconds, checkOptionKeys, describeThrown, getLogger } from '@tinyagent/core/internal';
import { createMcpTool, toolName } from './mcp-tool.ts';
import { checkServers } from './server-config.ts';
import type { McpServerConfig } from './server-config.ts';
import { ServerConnection } from './server-connection.ts';

/** Options of `connectMcp`. */
export interface ConnectMcpOptions {
  /** Prefix every tool name with `<server name>_` (default false); a server's own `prefix` wins. */
  prefix?: boolean | undefined;
  /** The deadline of one tool call (default 60 000 ms); it wins over an agent's `toolTimeoutMs`. */
  timeoutMs?: number | undefined;
  /** The deadline for starting a server and for each listing of its tools (default 30 000 ms). */
  connectTimeoutMs?: number | undefined;
  /** The most `tools/list` pages read from one server (default 20). */
  maxPages?: number | undefined;
  /** The most tools taken from one server (default 500); a server listing more fails to connect. */
  maxTools?: number | undefined;
  /**
   * Called with the new `tools` after a server said its list changed and it was read again.
   * Agents build their tool registry when they are made: make a new agent with these tools.
   */
  onToolsChanged?: ((tools: readonly Tool[]) => void) | undefined;
  /** Aborts connecting. */
  signal?: AbortSignal | undefined;
}

/** The tools of a set of MCP servers, kept connected until `close()` (or `await using`). */
export interface McpConnection extends AsyncDisposable {
  /** The tools of every server, as listed last; a new array after each change. */
  readonly tools: readonly Tool[];
  /**
   * Lists every server's tools again, starting again any server that crashed or closed, and
   * resolves with the new `tools`. Rejects with a ConfigurationError when two names clash.
   */
  refresh(options?: { signal?: AbortSignal | undefined }): Promise<readonly Tool[]>;
  /**
   * The official SDK's `Client` connected to the server named `serverName`, for what TinyAgent does
   * not wrap (resources, prompts, completions). Calls made through it skip TinyAgent's checks,
   * redaction and events. A server started again (`refresh` after a crash) has a new client: ask
   * again rather than keeping one. Throws a ConfigurationError for a name not among the servers and
   * an McpServerError when the server crashed or the connection was closed.
   */
  client(serverName: string): Client;
  /** Closes every server's connection (a stdio server's process ends). Safe to call twice. */
  close(): Promise<void>;
}

const OPTION_KEYS = Object.keys({
  prefix: true,
  timeoutMs: true,
  connectTimeoutMs: true,
  maxPages: true,
  maxTools: true,
  onToolsChanged: true,
  signal: true,
} satisfies Record<keyof ConnectMcpOptions, true>);

/**
 * Connects to MCP servers (stdio child processes and Streamable HTTP endpoints) and makes their tools
 * TinyAgent tools. Fails with an McpServerError naming the server that cannot be started or reached
 * (every other server is closed again), and with a ConfigurationError when two tool names clash.
 */
export async function connectMcp(
  servers: readonly McpServerConfig[],
  options: ConnectMcpOptions = {},
): Promise<McpConnection> {
  checkOptionKeys(options, OPTION_KEYS, 'connectMcp');
  checkServers(servers);
  const timeoutMs = milliseconds(options.timeoutMs, 60_000, 'timeoutMs');
  const bounds = {
    connectTimeoutMs: milliseconds(options.connectTimeoutMs, 30_000, 'connectTimeoutMs'),
    maxPages: wholeNumber(options.maxPages, 20, 'maxPages'),
    maxTools: wholeNumber(options.maxTools, 500, 'maxTools'),
  };
  let tools: readonly Tool[] = [];
  const rebuild = (): readonly Tool[] => {
    // Frozen: a caller holding the array sees one list, never one changed under it.
    tools = Object.freeze(buildTools(connections, options.prefix === true, timeoutMs));
    return tools;
  };
  const connections = servers.map(
    (server) =>
      new ServerConnection(server, {
        ...bounds,
        onListChanged: () => {
          try {
            options.onToolsChanged?.(rebuild());
          } catch (error) {
            getLogger().error(`mcp: the new tool list is not used: ${describeThrown(error)}`);
          }
        },
      }),
  );
  const closeAll = async (): Promise<void> => {
    await Promise.allSettled(connections.map((connection) => connection.close()));
  };
  const started = await Promise.allSettled(connections.map((connection) => connection.connect(options.signal)));
  const failure = started.find((outcome) => outcome.status === 'rejected');
  try {
    if (failure !== undefined) throw failure.reason;
    rebuild();
  } catch (error) {
    await closeAll();
    throw error;
  }
  return {
    get tools() {
      return tools;
    },
    refresh: async ({ signal } = {}) => {
      await Promise.all(
        connections.map((connection) =>
          connection.failed ? connection.reconnect(signal) : connection.listTools(signal),
        ),
      );
      return rebuild();
    },
    client: (serverName) => {
      const connection = connections.find((entry) => entry.name === serverName);
      if (connection === undefined) {
        const names = connections.map((entry) => JSON.stringify(entry.name)).join(', ');
        throw new ConfigurationError(
          `connectMcp: no server is named ${JSON.stringify(serverName)}; the servers are ${names}.`,
        );
      }
      return connection.usableClient();
    },
    close: closeAll,
    [Symbol.asyncDispose]: closeAll,
  };
}

// One tool per listed MCP tool, the names checked across all servers: a model that sees two tools
// of one name calls one of them at random. Two servers that clash are the developer's to part (with
// `prefix`); two tools of one server that clash (`a.b` and `a_b` both become `a_b`) cannot be parted
// by anyone here, so the later one is left out, as a tool with an unusable schema is.
function buildTools(connections: readonly ServerConnection[], prefixAll: boolean, timeoutMs: number): Tool[] {
  const owners = new Map<string, { server: ServerConnection; text: string }>();
  const tools: Tool[] = [];
  for (const server of connections) {
    const prefix = server.config.prefix ?? prefixAll;
    for (const definition of server.definitions) {
      const name = toolName(server.name, definition.name, prefix);
      const owner = `tool '${definition.name.slice(0, 64)}' of server '${server.name}'`;
      const other = owners.get(name);
      if (other?.server === server) {
        getLogger().warn(`mcp: the ${owner} is left out: its name would be '${name}', the name of the ${other.text}.`);
        continue;
      }
      if (other !== undefined) {
        throw new ConfigurationError(
          `Two MCP tools would both be named '${name}': the ${other.text} and the ${owner}. Set \`prefix: true\` ` +
            'in connectMcp options, or on one of the servers, so that each name starts with its server.',
        );
      }
      owners.set(name, { server, text: owner });
      try {
        tools.push(createMcpTool({ server, definition, name, timeoutMs }));
      } catch (error) {
        // One tool whose schema core cannot use (too deep, too big, not an object) costs that tool only.
        if (!ConfigurationError.isInstance(error)) throw error;
        getLogger().warn(`mcp: the ${owner} is left out: ${error.message}`);
      }
    }
  }
  return tools;
}

// A deadline as every other of TinyAgent: above 0, and no longer than a timer can wait.
function milliseconds(value: number | undefined, fallback: number, name: string): number {
  checkMilliseconds(`connectMcp: ${name}`, value);
  return value ?? fallback;
}

function wholeNumber(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(Number.isInteger(value) && value > 0)) {
    throw new ConfigurationError(`connectMcp: ${name} must be a positive whole number, not ${String(value)}.`);
  }
  return value;
}
