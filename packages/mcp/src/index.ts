// @tinyagent/mcp: the public entry. Two parts, kept apart: the MCP client (connectMcp) and the
// MCP server (serveMcp).

// --- Using MCP servers (src/client/): their tools as TinyAgent tools ---
export { connectMcp } from './client/connect-mcp.ts';
export type { ConnectMcpOptions, McpConnection } from './client/connect-mcp.ts';
export type { McpServerConfig, McpStdioServerConfig, McpHttpServerConfig } from './client/server-config.ts';
export { McpServerError } from './client/mcp-server-error.ts';

// --- Serving TinyAgent tools and agents over MCP (src/serve/) ---
export { serveMcp } from './serve/serve-mcp.ts';
export type {
  ServeMcpOptions,
  ServeMcpHttpOptions,
  ServeMcpStdioOptions,
  McpHttpServer,
  McpStdioServer,
} from './serve/serve-mcp.ts';
