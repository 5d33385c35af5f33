import { TinyAgentError } from '@tinyagent/core';
import type { TinyAgentErrorOptions } from '@tinyagent/core';
import { hasErrorCode } from '@tinyagent/core/internal';

/**
 * An MCP server could not be used: it failed to start or to answer the handshake, it crashed or
 * exited, or its connection closed. `serverName` is the name given to `connectMcp`. A tool call that
 * meets it fails (the model sees the message as the tool's failure); `refresh()` on the connection
 * starts the server again.
 */
export class McpServerError extends TinyAgentError {
  readonly serverName: string;

  constructor(message: string, options: TinyAgentErrorOptions & { serverName: string }) {
    super(message, { ...options, code: 'mcp_server' });
    this.serverName = options.serverName;
  }

  /** True when `value` is an McpServerError, even from another installed copy of this package. */
  static isInstance(value: unknown): value is McpServerError {
    return hasErrorCode(value, 'mcp_server');
  }
}
