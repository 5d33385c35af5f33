import { ToolExecutionError, isTinyAgentError, redactSecrets, redactValue, stringifyResult } from '@tinyagent/core';
import { describeThrown, resultToJson, toolFailureError } from '@tinyagent/core/internal';
import type { RunScope, Tool } from '@tinyagent/core';
import type { ToolCallRequest } from './sandbox-session.ts';
import type { ToolReplyBody } from './worker-protocol.ts';

/** A tool call from model code is starting. */
export interface SandboxToolStart {
  toolCallId: string;
  toolName: string;
  /** The argument as the code passed it (a JSON copy), known secrets redacted. */
  arguments: unknown;
}

/** A tool call from model code finished; `output` is the result (or error) as text. */
export interface SandboxToolEnd extends SandboxToolStart {
  output: string;
  isError: boolean;
  durationMs: number;
  /** For the developer, never sent to the code or the model: the error behind a failure, as core's `ToolEndEvent.error`. */
  error?: Error | undefined;
}

/** What tool calls need from the execution they belong to. */
export interface ToolCallContext {
  signal: AbortSignal;
  run: RunScope;
  idPrefix: string;
  onToolStart: ((event: SandboxToolStart) => void) | undefined;
  onToolEnd: ((event: SandboxToolEnd) => void) | undefined;
}

/**
 * Runs a tool call made by model code, synchronously on the main thread: redacts known secrets from the
 * argument, validates it with the tool's schema, calls `execute`, and encodes the result (or the
 * error) for the guest, known secrets redacted. Never throws.
 */
export function runToolCall(
  tools: ReadonlyMap<string, Tool>,
  call: ToolCallRequest,
  context: ToolCallContext,
): ToolReplyBody {
  const started = performance.now();
  const base = { toolCallId: `${context.idPrefix}-${call.callId}`, toolName: call.name };
  let args: unknown;
  try {
    // Model code can rebuild a key from pieces and pass it on: arguments leave the sandbox redacted,
    // before the tool, the events and the transcript see them, as core does for a model's tool calls.
    args = call.argumentsJson === undefined ? undefined : redactValue(JSON.parse(call.argumentsJson));
  } catch {
    args = undefined;
  }
  context.onToolStart?.({ ...base, arguments: args });
  const finish = (output: string, isError: boolean, error?: Error): void =>
    context.onToolEnd?.({
      ...base,
      arguments: args,
      output,
      isError,
      durationMs: performance.now() - started,
      ...(error === undefined ? {} : { error }),
    });
  // Results and failures reach the model's code, its output, the events and the transcript: known
  // secrets are redacted from both, as core's Tool.run does.
  try {
    const tool = tools.get(call.name);
    if (tool === undefined) throw executionError(call.name, 'no such tool');
    const { output, encoded } = encodeResult(invoke(tool, args, context));
    finish(output, false);
    return { ok: true, ...encoded };
  } catch (error) {
    const failure = toToolError(call.name, error);
    const message = redactSecrets(failure.message);
    finish(message, true, thrownError(call.name, error, failure.message));
    return { ok: false, name: failure.name, message };
  }
}

function invoke(tool: Tool, args: unknown, context: ToolCallContext): unknown {
  const result = tool.execute(tool.parse(namedArguments(tool, args)), { signal: context.signal, run: context.run });
  if (isThenable(result)) {
    // Nobody will await it: observe it so that its rejection is not reported as unhandled.
    Promise.resolve(result).catch(() => undefined);
    throw executionError(
      tool.name,
      'its execute returned a Promise, but tools run synchronously in the code sandbox (a function that returns ' +
        "a Promise without being declared async cannot be detected when the agent is built). Make the tool's " +
        'execute synchronous, or use ReactAgent for async tools.',
    );
  }
  return result;
}

// `get_weather('Paris')` for a tool with one argument means `get_weather({ city: 'Paris' })`.
function namedArguments(tool: Tool, args: unknown): unknown {
  const isObject = typeof args === 'object' && args !== null && !Array.isArray(args);
  if (args === undefined || isObject) return args;
  const properties = tool.jsonSchema.properties;
  const names = typeof properties === 'object' && properties !== null ? Object.keys(properties) : [];
  const [only] = names;
  return names.length === 1 && only !== undefined ? { [only]: args } : args;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

type EncodedResult = { kind: 'undefined' } | { kind: 'string' | 'json'; text: string };

// The result twice: as the text the events and the model read (`stringifyResult`) and as what the
// code gets back. For an object or array the two are the same JSON, serialized once. A value with no
// JSON form (a function, a symbol) reaches the code as undefined; one JSON cannot hold (a cyclic
// value) as the text a model would read. A secret inside a JSON string value becomes `[redacted]`
// there: the JSON stays valid.
function encodeResult(result: unknown): { output: string; encoded: EncodedResult } {
  if (typeof result === 'string') {
    const text = redactSecrets(result);
    return { output: text, encoded: { kind: 'string', text } };
  }
  const modelText = (): string => redactSecrets(stringifyResult(result));
  let json: string | undefined;
  try {
    json = resultToJson(result);
  } catch {
    const output = modelText();
    return { output, encoded: { kind: 'string', text: output } };
  }
  if (json === undefined) return { output: modelText(), encoded: { kind: 'undefined' } };
  if (typeof result === 'object' && result !== null && !(result instanceof Error)) {
    const text = redactSecrets(json);
    return { output: text, encoded: { kind: 'json', text } };
  }
  return { output: modelText(), encoded: { kind: 'json', text: redactSecrets(json) } };
}

function toToolError(name: string, error: unknown): { name: string; message: string } {
  // Runs in the handler of the worker's messages, where an exception would crash the process and
  // leave the sandbox waiting: both calls below never throw, whatever the tool threw.
  if (isTinyAgentError(error)) return { name: error.name, message: error.message };
  const wrapped = executionError(name, describeThrown(error));
  return { name: wrapped.name, message: wrapped.message };
}

// What a tool threw (with its stack), for the events; a thrown value that is not an Error is wrapped,
// as core's Tool.run does. Core's helper swaps an error holding a known secret for a redacted copy.
function thrownError(toolName: string, error: unknown, message: string): Error {
  return toolFailureError(new ToolExecutionError(message, { toolName, cause: error })) ?? new Error(message);
}

function executionError(toolName: string, reason: string): ToolExecutionError {
  return new ToolExecutionError(ToolExecutionError.describe(toolName, reason), { toolName });
}
