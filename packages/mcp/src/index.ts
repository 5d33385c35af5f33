// @tinyagent/mcp: the public entry. Two parts, kept apart: the MCP client (connectMcp) and the
// MCP server (serveMcp).

// --- Serving TinyAgent tools and agents over MCP (src/serve/) ---
export { serveMcp } from './serve/serve-mcp.ts';
export type {
  ServeMcpOptions,
  ServeMcpHttpOptions,
  ServeMcpStdioOptions,
  McpHttpServer,
  McpStdioServer,
} from './serve/serve-mcp.ts';
