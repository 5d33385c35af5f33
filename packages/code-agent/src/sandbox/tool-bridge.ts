import type { InvokeOptions, Tool, ToolCallOutcome, ToolCallRequest } from '@tinyagent/core';
import type { ToolCallRequest as SandboxToolCall } from './sandbox-session.ts';
import { STOPPED_REPLY } from './worker-protocol.ts';
import type { HostReplyBody } from './worker-protocol.ts';

/** A tool call from model code is starting. */
export interface SandboxToolStart {
  toolCallId: string;
  toolName: string;
  /** The argument as the code passed it (a JSON copy), known secrets redacted. */
  arguments: unknown;
}

/** A tool call from model code finished; `output` is the result (or `Error: ...`) as text. */
export interface SandboxToolEnd extends SandboxToolStart {
  output: string;
  isError: boolean;
  durationMs: number;
  /** For the developer, never sent to the code or the model: the error behind a failure, as core's `ToolEndEvent.error`. */
  error?: Error | undefined;
}

/** Runs one tool call through core's tool path: the run's, or a JsExecutor's own. */
export type InvokeTool = (call: ToolCallRequest, options: InvokeOptions) => Promise<ToolCallOutcome>;

// Tools in the sandbox run synchronously, and the code gets their value back, not text.
const SANDBOX_CALL: InvokeOptions = { syncOnly: true, returnValue: true };

/**
 * Answers a tool call made by model code while the sandbox waits: reads the argument the code passed,
 * runs the call through core's tool path (validation, redaction, events, the step seam) and encodes
 * the outcome for the guest. Never rejects: when the call itself rejects (an abort, a failing step
 * runner), the guest reads a stopped execution and `stop` gets the reason, to end the execution with it.
 */
export async function answerToolCall(
  tools: ReadonlyMap<string, Tool>,
  call: SandboxToolCall,
  invoke: InvokeTool,
  stop: (reason: unknown) => void,
): Promise<HostReplyBody> {
  let args: unknown;
  try {
    args = call.argumentsJson === undefined ? undefined : JSON.parse(call.argumentsJson);
  } catch {
    args = undefined;
  }
  const tool = tools.get(call.name);
  // The call's id is its place in the execution: the same code makes the same ids, so a replayed
  // step finds its recorded results.
  const request = { id: `call-${call.ordinal}`, name: call.name, arguments: namedArguments(tool, args) };
  let outcome: ToolCallOutcome;
  try {
    outcome = await invoke(request, SANDBOX_CALL);
  } catch (error) {
    stop(error);
    return STOPPED_REPLY;
  }
  if (!outcome.isError) return { ok: true, ...(outcome.returned ?? { kind: 'undefined' }) };
  const failure = outcome.failure ?? { name: 'ToolExecutionError', message: outcome.output };
  return { ok: false, name: failure.name, message: failure.message };
}

// `get_weather('Paris')` for a tool with one argument means `get_weather({ city: 'Paris' })`.
function namedArguments(tool: Tool | undefined, args: unknown): unknown {
  const isObject = typeof args === 'object' && args !== null && !Array.isArray(args);
  if (tool === undefined || args === undefined || isObject) return args;
  const properties = tool.jsonSchema.properties;
  const names = typeof properties === 'object' && properties !== null ? Object.keys(properties) : [];
  const [only] = names;
  return names.length === 1 && only !== undefined ? { [only]: args } : args;
}
