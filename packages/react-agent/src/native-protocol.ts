import { answerUntilToolCall } from '@tinyagent/core/internal';
import type {
  AgentProtocol,
  ChatResponse,
  ModelCallStream,
  ModelCallStreamContext,
  ProtocolRun,
  ToolCall,
  ToolCallRequest,
} from '@tinyagent/core';
import { FINAL_ATTEMPT_MESSAGE, ReactRun, raiseTemperature } from './react-loop.ts';
import type { ReactSettings } from './react-loop.ts';

const CUT_OFF_MESSAGE =
  'Your reply was cut off at the length limit before its tool calls were complete, so none of them was run. ' +
  'Make fewer or smaller tool calls at a time.';

const EMPTY_REPLY_MESSAGE = 'Your reply was empty. Call a tool, or reply with your final answer as plain text.';

/**
 * The native protocol: tools are offered as the API's function tools; all calls of one assistant
 * turn run concurrently and their results go back as `tool` messages in the order of the calls.
 * A reply without tool calls is the final answer.
 */
export function createNativeProtocol(settings: ReactSettings): AgentProtocol {
  return {
    agentName: 'ReactAgent',
    kind: 'ReactAgent/native',
    systemPrompt: settings.systemPrompt,
    start: (run) => new NativeRun(run, settings),
  };
}

// One run of the native protocol.
class NativeRun extends ReactRun implements ProtocolRun {
  protected callModel(): Promise<ChatResponse> {
    return this.run.callModel({ temperature: this.temperature, tools: this.settings.toolDefinitions });
  }

  // What the reply asks for: its tool calls run, a correction, or the answer.
  protected async act(reply: ChatResponse): Promise<void> {
    const run = this.run;
    const settings = this.settings;
    const { content, toolCalls } = reply;
    if (toolCalls.length > 0 && reply.finishReason === 'length') {
      // The calls may be incomplete; they stay out of the transcript, which would otherwise need a
      // result for each of them.
      run.append({ role: 'assistant', content: content ?? '' });
      run.correct('the reply was cut off before its tool calls were complete', CUT_OFF_MESSAGE);
      return;
    }
    if (toolCalls.length > 0) {
      const calls = withIds(toolCalls, run.step);
      run.append({ role: 'assistant', content, toolCalls: calls });
      const requests = calls.map((call, index) =>
        index < settings.maxToolCallsPerTurn ? readToolCall(call) : refuseCall(call, settings.maxToolCallsPerTurn),
      );
      const outcomes = await run.invokeTools(requests, {
        maxParallel: settings.maxParallelTools,
        maxOutputLength: settings.maxObservationLength,
      });
      calls.forEach((call, index) => {
        run.append({ role: 'tool', toolCallId: call.id, content: outcomes[index]?.output ?? '' });
      });
      return;
    }
    run.append({ role: 'assistant', content: content ?? '' });
    if (content === null || content.trim() === '') {
      this.temperature = raiseTemperature(this.temperature);
      run.correct('the reply was empty', EMPTY_REPLY_MESSAGE);
      return;
    }
    run.finish(content, reply.finishReason === 'length' ? { cutOff: true } : undefined);
  }

  // A turn's text is the answer only if the turn calls no tool (see docs/streaming.md).
  streamModelCall(context: ModelCallStreamContext): ModelCallStream | undefined {
    return answerUntilToolCall(context);
  }

  // Tool use is disabled, but the tools stay declared: providers refuse a transcript with tool
  // calls and no tool definitions, and an unchanged prefix keeps the prompt cache. Calls made
  // anyway (by servers that ignore tool_choice) are dropped: none can run now.
  async finalAttempt(): Promise<void> {
    const run = this.run;
    run.append({ role: 'user', content: FINAL_ATTEMPT_MESSAGE });
    const reply = await run.callModel({ temperature: 0, tools: this.settings.toolDefinitions, toolChoice: 'none' });
    run.append({ role: 'assistant', content: reply.content ?? '' });
    if (reply.content !== null && reply.content.trim() !== '') run.finish(reply.content);
  }
}

// Every call still gets a result (providers reject a transcript with an unanswered call), but its
// arguments are not even parsed: a reply of thousands of calls costs nothing past the limit.
function refuseCall(call: ToolCall, limit: number): ToolCallRequest {
  return {
    id: call.id,
    name: call.name,
    arguments: {},
    refusal: `not run: at most ${limit} tool calls run per turn, and this turn made more. Make fewer calls at a time.`,
  };
}

/**
 * Parses a native tool call's arguments. Text that is not JSON is an argument error for that call,
 * never silently `{}`; empty text means no arguments (`{}`), as some servers send for tools without any.
 */
export function readToolCall(call: ToolCall): ToolCallRequest {
  if (call.arguments.trim() === '') return { id: call.id, name: call.name, arguments: {} };
  try {
    return { id: call.id, name: call.name, arguments: JSON.parse(call.arguments) as unknown };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      id: call.id,
      name: call.name,
      arguments: call.arguments,
      argumentError: `arguments are not valid JSON: ${detail}`,
    };
  }
}

// Some OpenAI-compatible servers send tool calls without ids, or one id for several calls, but each
// result must name its own call, and the step seam (`<step>/tool/<id>`) must tell the calls apart.
function withIds(calls: readonly ToolCall[], step: number): readonly ToolCall[] {
  if (haveDistinctIds(calls)) return calls;
  const used = new Set<string>();
  return calls.map((call, index) => {
    let id = call.id;
    if (id === '' || used.has(id)) id = `call_${step}_${index + 1}`;
    while (used.has(id)) id = `${id}_`;
    used.add(id);
    return id === call.id ? call : { ...call, id };
  });
}

// Every tool turn asks this; the usual turn makes one call, which needs no set to tell.
function haveDistinctIds(calls: readonly ToolCall[]): boolean {
  const [only] = calls;
  if (calls.length === 1 && only !== undefined) return only.id !== '';
  const seen = new Set<string>();
  for (const { id } of calls) {
    if (id === '' || seen.has(id)) return false;
    seen.add(id);
  }
  return true;
}
