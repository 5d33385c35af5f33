// Translation between TinyAgent's ChatModel types and the OpenAI chat-completions wire types.
import type OpenAI from 'openai';
import type { ChatMessage, ChatResponse, FinishReason, ToolCall, ToolDefinition, Usage } from './chat-model.ts';
import { ModelCallError } from './errors.ts';

type WireMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type WireTool = OpenAI.Chat.Completions.ChatCompletionTool;

export function toWireMessages(messages: readonly ChatMessage[]): WireMessage[] {
  return messages.map((message): WireMessage => {
    switch (message.role) {
      case 'system':
      case 'user':
        return { role: message.role, content: message.content };
      case 'tool':
        return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
      case 'assistant':
        return message.toolCalls === undefined || message.toolCalls.length === 0
          ? { role: 'assistant', content: message.content }
          : {
              role: 'assistant',
              content: message.content,
              tool_calls: message.toolCalls.map((call) => ({
                id: call.id,
                type: 'function' as const,
                function: { name: call.name, arguments: call.arguments },
              })),
            };
    }
  });
}

export function toWireTools(tools: readonly ToolDefinition[]): WireTool[] {
  return tools.map((definition) => ({
    type: 'function',
    function: {
      name: definition.name,
      description: definition.description,
      parameters: definition.parameters,
    },
  }));
}

export function toFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
    case 'length':
    case 'tool_calls':
    case 'content_filter':
      return reason;
    case 'function_call':
      return 'tool_calls';
    default:
      return 'unknown';
  }
}

// What is read from a server's reply, typed as the untrusted JSON it is: OpenAI-compatible servers
// leave out fields the SDK's types call required, and a missing field must not become a TypeError.
interface LooseUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
}
interface LooseToolCall {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}
interface LooseMessage {
  content?: string | null;
  tool_calls?: LooseToolCall[] | null;
}
interface LooseChoice {
  index?: number;
  finish_reason?: string | null;
  message?: LooseMessage | null;
  delta?: LooseMessage | null;
}
interface LooseCompletion {
  model?: string;
  usage?: LooseUsage | null;
  choices?: LooseChoice[] | null;
}

function toUsage(usage: LooseUsage | null | undefined): Usage | undefined {
  if (usage === undefined || usage === null) return undefined;
  const inputTokens = usage.prompt_tokens ?? 0;
  const outputTokens = usage.completion_tokens ?? 0;
  return { inputTokens, outputTokens, totalTokens: usage.total_tokens ?? inputTokens + outputTokens };
}

export function fromCompletion(completion: LooseCompletion): ChatResponse {
  const choice = completion.choices?.[0];
  if (choice === undefined) {
    throw new ModelCallError(
      'The model server returned a response without choices; it may not speak the chat completions API.',
      { retryable: true },
    );
  }
  const message = choice.message ?? {};
  const toolCalls: ToolCall[] = (message.tool_calls ?? [])
    .filter((call) => call.type === undefined || call.type === 'function')
    .map((call) => ({ id: call.id ?? '', name: call.function?.name ?? '', arguments: call.function?.arguments ?? '' }));
  return {
    content: typeof message.content === 'string' ? message.content : null,
    toolCalls,
    finishReason: toFinishReason(choice.finish_reason),
    usage: toUsage(completion.usage),
    model: completion.model,
  };
}

/** Accumulates streamed chunks into one ChatResponse. */
export class StreamAccumulator {
  #content = '';
  #sawContent = false;
  readonly #calls = new Map<number, ToolCall>();
  #finishReason: string | undefined;
  #usage: Usage | undefined;
  #model: string | undefined;

  add(chunk: LooseCompletion): void {
    this.#model ??= chunk.model;
    if (chunk.usage !== undefined && chunk.usage !== null) this.#usage = toUsage(chunk.usage);
    for (const choice of chunk.choices ?? []) {
      if ((choice.index ?? 0) !== 0) continue;
      const delta = choice.delta ?? {};
      if (typeof delta.content === 'string') {
        this.#content += delta.content;
        this.#sawContent = true;
      }
      for (const part of delta.tool_calls ?? []) {
        const index = part.index ?? 0;
        const call = this.#calls.get(index) ?? { id: '', name: '', arguments: '' };
        if (part.id !== undefined) call.id = part.id;
        if (part.function?.name !== undefined) call.name += part.function.name;
        if (part.function?.arguments !== undefined) call.arguments += part.function.arguments;
        this.#calls.set(index, call);
      }
      if (typeof choice.finish_reason === 'string') this.#finishReason = choice.finish_reason;
    }
  }

  finish(): ChatResponse {
    if (this.#finishReason === undefined) {
      throw new ModelCallError(
        'The model server ended the stream before the reply was complete (no finish reason was sent).',
        { retryable: true },
      );
    }
    return {
      content: this.#sawContent ? this.#content : null,
      toolCalls: [...this.#calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call),
      finishReason: toFinishReason(this.#finishReason),
      usage: this.#usage,
      model: this.#model,
    };
  }
}
