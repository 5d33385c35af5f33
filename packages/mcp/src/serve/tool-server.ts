import { Server } from '@modelcontextprotocol/server';
import type { CallToolResult, McpServerFactory, Tool as McpTool } from '@modelcontextprotocol/server';
import { z } from '@tinyagent/core';
import type { Tool } from '@tinyagent/core';
import { createRunScope } from '@tinyagent/core';
import { directStepRunner, invokeTool, standaloneInvocation } from '@tinyagent/core/internal';

/** What the MCP server of a set of tools needs: the tools by name, and how it introduces itself. */
export interface ToolServerSetup {
  readonly tools: ReadonlyMap<string, Tool>;
  readonly name: string;
  readonly version: string;
  /** The deadline of a call whose tool has no `timeoutMs` of its own. */
  readonly toolTimeoutMs: number | undefined;
}

// Nobody on the far side of MCP can approve a call for the person who runs this server: such calls
// are declined, never let through (the reason reaches the client in the call's error text).
const NO_APPROVAL_OVER_MCP =
  "this tool needs a person's approval, which cannot be given over MCP; run it in a TinyAgent agent, whose runs pause for approval";

/**
 * A factory of MCP server instances for `tools`, one per connection (stdio) or per request (HTTP),
 * as the SDK's serving entries ask. Calls take core's one tool path (`invokeTool`), as in an agent
 * run: the same argument checks and messages, deadlines, redaction; failures come back as
 * `isError` results, never as protocol errors.
 */
export function createToolServerFactory(setup: ToolServerSetup): McpServerFactory {
  // The list is the same for every instance: described once.
  const listed = [...setup.tools.values()].map(describeTool);
  const outputSchemas = new Map(listed.map((entry) => [entry.name, entry.outputSchema]));
  return () => {
    // The low-level Server, which the SDK keeps for such cases: McpServer would check the arguments
    // with its own messages, where ours must read as in an agent run (core's one tool path).
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    const server = new Server({ name: setup.name, version: setup.version }, { capabilities: { tools: {} } });
    server.setRequestHandler('tools/list', () => ({ tools: listed }));
    server.setRequestHandler('tools/call', async (request, context) => {
      const { name, arguments: args } = request.params;
      const outputSchema = outputSchemas.get(name);
      const result = await callTool(setup, name, args, context.mcpReq.signal, outputSchema !== undefined);
      return server.projectCallToolResult(result, outputSchema);
    });
    return server;
  };
}

async function callTool(
  setup: ToolServerSetup,
  name: string,
  args: unknown,
  signal: AbortSignal,
  structured: boolean,
): Promise<CallToolResult> {
  // One invocation context per call: it carries the call's signal, and a run scope of its own
  // (calls from MCP share no run).
  const invocation = standaloneInvocation(
    {
      tools: setup.tools,
      cancelSignal: signal,
      scope: createRunScope(),
      toolTimeoutMs: setup.toolTimeoutMs,
      stepRunner: directStepRunner,
      emitCore: () => undefined,
    },
    NO_APPROVAL_OVER_MCP,
  );
  let outcome;
  try {
    outcome = await invokeTool(
      invocation,
      0,
      { id: crypto.randomUUID(), name, arguments: args },
      { returnValue: true },
    );
  } catch (error) {
    // The tool path rejects only when the call was aborted (the client cancelled): the SDK sends no
    // answer to a cancelled request. Anything else is a fault of ours, and is not dressed up as one.
    if (!signal.aborted) throw error;
    return errorResult(`Tool '${name}' was cancelled.`);
  }
  if (outcome.isError) return errorResult(outcome.failure?.message ?? outcome.output);
  const returns = setup.tools.get(name)?.returns;
  const returned = outcome.returned;
  if (!structured || returns === undefined || returned === undefined) {
    return { content: [{ type: 'text', text: outcome.output }] };
  }
  // The advertised outputSchema is a promise to the client, which checks structuredContent against
  // it: a result that breaks it is the tool's failure, said here rather than as the client's error.
  const value: unknown =
    returned.kind === 'json' ? JSON.parse(returned.text) : returned.kind === 'string' ? returned.text : undefined;
  const checked = unwrapPromise(returns).safeParse(value);
  if (!checked.success) {
    return errorResult(
      `Tool '${name}' returned a value that does not match its returns schema: ${z.prettifyError(checked.error)}`,
    );
  }
  return { content: [{ type: 'text', text: outcome.output }], structuredContent: value as Record<string, unknown> };
}

function errorResult(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

// The MCP description of a tool: its arguments' JSON Schema as the Tool carries it, and the result's
// when the tool declares one. A result schema JSON Schema cannot express is left out (the calls
// still answer in text).
function describeTool(tool: Tool): McpTool {
  const inputSchema = { ...tool.jsonSchema, type: 'object' } as McpTool['inputSchema'];
  const described: McpTool = { name: tool.name, description: tool.description, inputSchema };
  if (tool.returns === undefined) return described;
  try {
    const { $schema: _ignored, ...outputSchema } = z.toJSONSchema(unwrapPromise(tool.returns), { io: 'output' });
    return { ...described, outputSchema };
  } catch {
    return described;
  }
}

// An async tool may declare its result as z.promise(schema): what the client gets is the inner value.
function unwrapPromise(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodPromise ? (schema.unwrap() as z.ZodType) : schema;
}
