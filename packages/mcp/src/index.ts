// @tinyagent/mcp: the public entry (filled in by the MCP client and server work).
export {};
