import { ConfigurationError, registerSecret } from '@tinyagent/core';
import { checkOptionKeys } from '@tinyagent/core/internal';

/** An MCP server started as a child process and spoken to over its stdin and stdout. */
export interface McpStdioServerConfig {
  /** 1–32 letters, digits, `_` or `-`: names the server in errors, logs and (with `prefix`) its tools. */
  name: string;
  /** The executable, e.g. `process.execPath` (node) or `uvx`. */
  command: string;
  args?: readonly string[] | undefined;
  /**
   * Variables added to the small default environment the SDK passes (PATH, HOME and the like; the
   * rest of `process.env` is not passed). Values whose name says they are secret are registered.
   */
  env?: Readonly<Record<string, string>> | undefined;
  cwd?: string | undefined;
  /** Prefix this server's tool names with `<name>_`; wins over the connection's `prefix`. */
  prefix?: boolean | undefined;
}

/** An MCP server reached over Streamable HTTP. */
export interface McpHttpServerConfig {
  /** 1–32 letters, digits, `_` or `-`: names the server in errors, logs and (with `prefix`) its tools. */
  name: string;
  url: string | URL;
  /** Sent with every request, e.g. `Authorization`. Values whose name says they are secret are registered. */
  headers?: Readonly<Record<string, string>> | undefined;
  /** Prefix this server's tool names with `<name>_`; wins over the connection's `prefix`. */
  prefix?: boolean | undefined;
}

/** One MCP server to connect to: a stdio child process (`command`) or a Streamable HTTP endpoint (`url`). */
export type McpServerConfig = McpStdioServerConfig | McpHttpServerConfig;

const SERVER_NAME = /^[a-zA-Z0-9_-]{1,32}$/;

const STDIO_KEYS = Object.keys({
  name: true,
  command: true,
  args: true,
  env: true,
  cwd: true,
  prefix: true,
} satisfies Record<keyof McpStdioServerConfig, true>);

const HTTP_KEYS = Object.keys({
  name: true,
  url: true,
  headers: true,
  prefix: true,
} satisfies Record<keyof McpHttpServerConfig, true>);

// Names of variables and headers whose values are credentials. A path or a flag registered as a
// secret would be redacted from every tool result, so only these are registered by default.
const SECRET_NAME = /key|token|secret|password|passwd|auth|credential|cookie|session/i;

/** True for a server reached over HTTP. */
export function isHttpServer(server: McpServerConfig): server is McpHttpServerConfig {
  return 'url' in server;
}

/** Checks the server list (names, one transport each, no duplicates) and registers its secrets. */
export function checkServers(servers: readonly McpServerConfig[]): void {
  // Checked as unknown: a caller without types may pass anything, and narrowing the typed list gives any[].
  const list: unknown = servers;
  if (!Array.isArray(list) || servers.length === 0) {
    throw new ConfigurationError('connectMcp needs a non-empty list of servers: [{ name, command } or { name, url }].');
  }
  const seen = new Set<string>();
  for (const server of servers) {
    checkServer(server);
    if (seen.has(server.name)) {
      throw new ConfigurationError(`Two MCP servers are named '${server.name}': give each a name of its own.`);
    }
    seen.add(server.name);
  }
  for (const server of servers) registerServerSecrets(server);
}

function checkServer(server: McpServerConfig): void {
  const name = (server as { name?: unknown }).name;
  if (typeof name !== 'string' || !SERVER_NAME.test(name)) {
    throw new ConfigurationError(
      `MCP server name ${JSON.stringify(name)} is invalid: use 1-32 letters, digits, underscores or hyphens.`,
    );
  }
  const hasCommand = 'command' in server;
  const hasUrl = 'url' in server;
  if (hasCommand === hasUrl) {
    throw new ConfigurationError(
      `MCP server '${name}' needs either \`command\` (a stdio server) or \`url\` (a Streamable HTTP server), not ${hasCommand ? 'both' : 'neither'}.`,
    );
  }
  // A misspelt field (`header`, `arg`) would drop credentials or arguments without a word.
  checkOptionKeys(server, hasUrl ? HTTP_KEYS : STDIO_KEYS, `MCP server '${name}'`);
  if (isHttpServer(server)) {
    checkStrings(name, 'headers', server.headers);
    if (!URL.canParse(String(server.url))) {
      throw new ConfigurationError(`MCP server '${name}': url ${JSON.stringify(String(server.url))} is not a URL.`);
    }
    const { protocol } = new URL(server.url);
    if (protocol !== 'http:' && protocol !== 'https:') {
      throw new ConfigurationError(`MCP server '${name}': url must be http: or https:, not ${protocol}`);
    }
  } else if (typeof server.command !== 'string' || server.command === '') {
    throw new ConfigurationError(`MCP server '${name}': command must be the executable to start.`);
  } else {
    // Spread as it is, one string would become one argument per character.
    const args: unknown = server.args;
    if (args !== undefined && !(Array.isArray(args) && args.every((arg) => typeof arg === 'string'))) {
      throw new ConfigurationError(`MCP server '${name}': args must be an array of strings, e.g. ['--verbose'].`);
    }
    checkStrings(name, 'env', server.env);
  }
}

// env and headers: every value a string (a number would not be checked for secrets, nor sent as given).
function checkStrings(name: string, field: string, values: unknown): void {
  if (values === undefined) return;
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new ConfigurationError(`MCP server '${name}': ${field} must be an object of strings.`);
  }
  for (const [key, value] of Object.entries(values)) {
    if (typeof value !== 'string') {
      throw new ConfigurationError(
        `MCP server '${name}': ${field}.${key} must be a string, not ${typeof value}; write it as a string.`,
      );
    }
  }
}

function registerServerSecrets(server: McpServerConfig): void {
  const values = isHttpServer(server) ? server.headers : server.env;
  for (const [key, value] of Object.entries(values ?? {})) {
    if (!SECRET_NAME.test(key)) continue;
    registerSecret(value);
    // `Bearer <token>`: a server that echoes the token alone must not show it either.
    const credential = /^[\w-]+ +(\S+)$/.exec(value)?.[1];
    if (credential !== undefined) registerSecret(credential);
  }
}
