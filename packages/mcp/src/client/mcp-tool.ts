import type { Tool as McpToolDefinition } from '@modelcontextprotocol/client';
import { tool } from '@tinyagent/core';
import type { JsonSchemaToolArguments, Tool, ToolContext } from '@tinyagent/core';
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
 * A TinyAgent tool that calls an MCP tool. `execute` is an `async` function, so the code agent
 * refuses it like any async tool.
 */
export function createMcpTool({ server, definition, name, timeoutMs }: McpToolSource): Tool {
  const hasOutputSchema = definition.outputSchema !== undefined;
  const described = definition.description ?? definition.title ?? '';
  const description =
    described.trim() === ''
      ? `The tool '${definition.name.slice(0, 64)}' of the MCP server '${server.name}'.`
      : described.slice(0, MAX_DESCRIPTION_CHARS);
  // Core checks the arguments against the server's inputSchema before execute runs: a call the
  // schema rejects goes back to the model with its field paths, never to the server.
  return tool({
    name,
    description,
    // Core copies both schemas (bounded, deep) before it uses them.
    inputSchema: definition.inputSchema,
    ...(definition.outputSchema === undefined ? {} : { outputSchema: definition.outputSchema }),
    timeoutMs,
    // The SDK's own deadline (it always sets one) is the tool's: Node keeps the timers of one duration
    // in one list, so the SDK's costs an append where a duration of its own costs a list made and
    // dropped per call. Core set its timer first, so of two due together core's fires first (its
    // message, the run's events); the SDK's only catches a call made without core (`execute` called
    // directly). `return await`: an async function that returns a promise unwraps it in two more
    // turns than one that awaits it.
    execute: async (args: JsonSchemaToolArguments, context: ToolContext) =>
      await server.callTool(definition.name, args, context.signal, timeoutMs, (result) =>
        resultForModel(result, hasOutputSchema),
      ),
  });
}
