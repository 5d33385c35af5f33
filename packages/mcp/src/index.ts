// @tinyagent/mcp: the public entry.

// Using MCP servers (src/client/): their tools as TinyAgent tools.
export { connectMcp } from './client/connect-mcp.ts';
export type { ConnectMcpOptions, McpConnection } from './client/connect-mcp.ts';
export type { McpServerConfig, McpStdioServer, McpHttpServer } from './client/server-config.ts';
export { McpServerError } from './client/mcp-server-error.ts';
