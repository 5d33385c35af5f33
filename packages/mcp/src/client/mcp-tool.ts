import type { CallToolResult, Tool as McpToolDefinition } from '@modelcontextprotocol/client';
import type { JsonSchemaToolArguments, Tool, ToolContext } from '@tinyagent/core';
import { deadlineKeepingTool, mayAbort, toolTimeoutError } from '@tinyagent/core/internal';
import type { ServerConnection } from './server-connection.ts';
import { resultForModel } from './tool-result.ts';

/** The longest tool description, in characters, passed on to the model; the rest is cut. */
export const MAX_DESCRIPTION_CHARS = 2_000;

/**
 * The name a TinyAgent tool gets for an MCP tool: `<server>_<tool>` when prefixed, every character
 * outside letters, digits, `_` and `-` replaced by `_`, cut to 64 characters (core's tool-name rule).
 */
export function toolName(serverName: string, mcpName: string, prefix: boolean): string {
  const name = (prefix ? `${serverName}_${mcpName}` : mcpName).replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
  return name === '' ? '_' : name;
}

/** What `createMcpTool` needs: the server, its tool's definition, the name to give it and its deadline. */
export interface McpToolSource {
  server: ServerConnection;
  definition: McpToolDefinition;
  name: string;
  timeoutMs: number;
}

/**
 * A TinyAgent tool that calls an MCP tool. It is marked async (`isAsync`), so the code agent refuses
 * it like any async tool.
 */
export function createMcpTool({ server, definition, name, timeoutMs }: McpToolSource): Tool {
  const hasOutputSchema = definition.outputSchema !== undefined;
  const described = definition.description ?? definition.title ?? '';
  const description =
    described.trim() === ''
      ? `The tool '${definition.name.slice(0, 64)}' of the MCP server '${server.name}'.`
      : described.slice(0, MAX_DESCRIPTION_CHARS);
  // The SDK sets a deadline on every request, and its timeout also tells the server the call is
  // cancelled: the tool keeps that deadline, and core arms no second timer. A call that nothing
  // else can abort (no run's signal) passes the SDK no signal to listen to.
  const timedOut = (): Error => toolTimeoutError(name, timeoutMs);
  const convert = (result: CallToolResult): unknown => resultForModel(result, hasOutputSchema);
  // Core checks the arguments against the server's inputSchema before execute runs: a call the
  // schema rejects goes back to the model with its field paths, never to the server.
  return deadlineKeepingTool({
    name,
    description,
    // Core copies both schemas (bounded, deep) before it uses them.
    inputSchema: definition.inputSchema,
    ...(definition.outputSchema === undefined ? {} : { outputSchema: definition.outputSchema }),
    timeoutMs,
    // A plain function returning the call's promise, not an async one: that would add a promise and
    // a turn to every call. The tool is async all the same (core marks a deadline-keeping tool so).
    execute: (args: JsonSchemaToolArguments, context: ToolContext) =>
      server.callTool(
        definition.name,
        args,
        mayAbort(context) ? context.signal : undefined,
        timeoutMs,
        convert,
        timedOut,
      ),
  });
}
