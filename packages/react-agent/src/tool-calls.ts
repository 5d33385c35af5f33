import { ToolExecutionError, ToolInputError } from '@tinyagent/core';
import { abortReason, toolFailureError } from '@tinyagent/core/internal';
import type { AgentRun, ReadonlyToolRegistry } from '@tinyagent/core';

/** A tool call the model asked for, with its arguments already read. */
export interface PendingToolCall {
  id: string;
  name: string;
  /** The arguments as parsed; the raw text when `argumentError` is set. */
  arguments: unknown;
  /** Why the arguments could not be read (for example, text that is not JSON); the call is not run. */
  argumentError?: string | undefined;
  /** Why the call is not run at all (past the turn's limit); the model reads it as the call's result. */
  refusal?: string | undefined;
}

/** What the model reads back for one tool call. */
export interface ToolCallOutcome {
  output: string;
  isError: boolean;
}

// The outcome plus, for the developer only, the error behind a failure: it goes to the `tool-end`
// event (and from there to the step records), never into the transcript.
interface InvokedTool extends ToolCallOutcome {
  error?: Error | undefined;
}

/** What running tool calls needs from the agent and the run. */
export interface ToolCallContext {
  run: AgentRun;
  tools: ReadonlyToolRegistry;
  step: number;
  maxObservationLength: number;
}

/**
 * Runs one tool call between its `tool-start` and `tool-end` events and returns what the model
 * reads: the result, or the failure as `Error: ...` text (unknown tool, argument errors, tool
 * errors and timeouts are the model's to fix). Rejects only when the run is aborted.
 */
export async function runToolCall(context: ToolCallContext, call: PendingToolCall): Promise<ToolCallOutcome> {
  const { run, step } = context;
  run.emit({ type: 'tool-start', step, toolCallId: call.id, toolName: call.name, arguments: call.arguments });
  const started = performance.now();
  const end = (output: string, isError: boolean, originalLength: number | undefined, error?: Error): void => {
    const durationMs = performance.now() - started;
    run.emit({
      type: 'tool-end',
      step,
      toolCallId: call.id,
      toolName: call.name,
      output,
      isError,
      originalLength,
      durationMs,
      ...(error === undefined ? {} : { error }),
    });
  };
  let result: InvokedTool;
  try {
    result = await invokeTool(context, call);
  } catch (reason) {
    // Only an abort gets here. Every tool-start still gets its tool-end, so a UI can close the call.
    end(`Aborted: ${reason instanceof Error ? reason.message : String(reason)}`, true, undefined);
    throw reason;
  }
  const { output, originalLength } = truncateObservation(result.output, context.maxObservationLength);
  end(output, result.isError, originalLength, result.error);
  return { output, isError: result.isError };
}

/**
 * Runs the tool calls of one assistant turn concurrently, at most `limit` at a time, and returns
 * their outcomes in the order of `calls`. A failing call fails only itself. When the run is aborted,
 * waits for every started call to settle, then rejects with the abort reason.
 */
export async function runToolCalls(
  context: ToolCallContext,
  calls: readonly PendingToolCall[],
  limit: number,
): Promise<ToolCallOutcome[]> {
  // The usual turn makes one call: it needs no pool (runToolCall rejects only with the abort reason).
  const [only] = calls;
  if (calls.length === 1 && only !== undefined) return [await runToolCall(context, only)];
  const outcomes = new Array<ToolCallOutcome>(calls.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    // Each worker takes the next call until none are left; an abort stops them taking more.
    while (!context.run.signal.aborted) {
      const index = next++;
      const call = calls[index];
      if (call === undefined) return;
      outcomes[index] = await runToolCall(context, call);
    }
  };
  const workers = Array.from({ length: Math.min(limit, calls.length) }, worker);
  const settled = await Promise.allSettled(workers);
  if (context.run.signal.aborted) throw abortReason(context.run.signal);
  for (const outcome of settled) if (outcome.status === 'rejected') throw outcome.reason;
  return outcomes;
}

// Rejects only with the abort reason; every other failure becomes the text the model reads.
async function invokeTool(context: ToolCallContext, call: PendingToolCall): Promise<InvokedTool> {
  const { run, tools } = context;
  const entry = tools.get(call.name);
  if (entry === undefined) {
    return { output: `Error: unknown tool '${call.name}'; available: ${tools.names().join(', ')}`, isError: true };
  }
  if (call.refusal !== undefined) return { output: `Error: ${call.refusal}`, isError: true };
  if (call.argumentError !== undefined) {
    return { output: `Error: Invalid arguments for tool '${call.name}': ${call.argumentError}`, isError: true };
  }
  try {
    const options = { signal: run.signal, run: run.scope, defaultTimeoutMs: run.toolTimeoutMs };
    return { output: await entry.run(call.arguments, options), isError: false };
  } catch (error) {
    if (run.signal.aborted) throw abortReason(run.signal);
    return { output: describeToolFailure(error), isError: true, error: toolFailureError(error) };
  }
}

/**
 * The text the model reads for a tool that failed, saying it once: `Error: Tool 'x' failed: <reason>`
 * or `Error: Invalid arguments for tool 'x': <what is wrong>` (core's error messages name the tool).
 */
export function describeToolFailure(error: unknown): string {
  if (ToolInputError.isInstance(error) || ToolExecutionError.isInstance(error)) return `Error: ${error.message}`;
  return `Error: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Cuts `text` to `limit` characters with a visible notice giving the original length, so the model
 * knows it saw only part of the result. Never splits a surrogate pair.
 */
export function truncateObservation(
  text: string,
  limit: number,
): { output: string; originalLength: number | undefined } {
  if (text.length <= limit) return { output: text, originalLength: undefined };
  const last = text.charCodeAt(limit - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? limit - 1 : limit;
  return {
    output: `${text.slice(0, end)}\n[truncated: showing the first ${end} of ${text.length} characters]`,
    originalLength: text.length,
  };
}
