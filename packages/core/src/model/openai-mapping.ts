// Translation between TinyAgent's ChatModel types and the OpenAI chat-completions wire types.
import type OpenAI from 'openai';
import type { ChatMessage, ChatResponse, FinishReason, ToolCall, ToolDefinition, Usage } from './chat-model.ts';
import { ModelCallError } from '../errors.ts';
import { finishContent, readContent, reasoningField } from './reply-content.ts';

type WireMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type WireTool = OpenAI.Chat.Completions.ChatCompletionTool;

/** The conversation as chat-completions messages. */
export function toWireMessages(messages: readonly ChatMessage[]): WireMessage[] {
  return messages.map((message): WireMessage => {
    switch (message.role) {
      case 'system':
      case 'user':
        return isRoleAndContent(message) ? message : { role: message.role, content: message.content };
      case 'tool':
        return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
      case 'assistant':
        if (message.toolCalls === undefined || message.toolCalls.length === 0) {
          return isRoleAndContent(message) ? message : { role: 'assistant', content: message.content };
        }
        return {
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

// A text message of only a role and content is its own wire form, and is sent as it is: the client
// keeps each request's messages until its reply comes, and a copy would double what every run in
// flight holds of its transcript. One with other fields is copied, so they never reach the wire.
function isRoleAndContent(message: object): boolean {
  // A class instance (a content getter on its prototype) or a proxy is not its own JSON: copied.
  if (Object.getPrototypeOf(message) !== Object.prototype) return false;
  for (const key in message) {
    if (key !== 'role' && key !== 'content') return false;
  }
  return true;
}

// Agents offer the same frozen list of frozen definitions on every turn; its wire form is built once
// per list. Anything not frozen may change between calls, so it is converted on each.
const wireTools = new WeakMap<readonly ToolDefinition[], WireTool[]>();

/** The tool definitions as chat-completions function tools; built once per frozen list. */
export function toWireTools(tools: readonly ToolDefinition[]): WireTool[] {
  // Freezing cannot be undone: a list found here was frozen, definitions and all, when it was added.
  const cached = wireTools.get(tools);
  if (cached !== undefined) return cached;
  if (!Object.isFrozen(tools) || !tools.every((definition) => Object.isFrozen(definition))) {
    return buildWireTools(tools);
  }
  // Shared by every call that offers this list, so frozen; the SDK's parameter type is a plain array.
  const wire = Object.freeze(buildWireTools(tools)) as WireTool[];
  wireTools.set(tools, wire);
  return wire;
}

function buildWireTools(tools: readonly ToolDefinition[]): WireTool[] {
  return tools.map((definition) => ({
    type: 'function',
    function: {
      name: definition.name,
      description: definition.description,
      parameters: definition.parameters,
    },
  }));
}

function sameText(value: string | undefined, known: string | undefined): string | undefined {
  return value === known ? known : value;
}

/** A wire `finish_reason` as a FinishReason; one TinyAgent does not know is `unknown`. */
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

// What is read from a server's reply is untrusted JSON: OpenAI-compatible servers leave out fields
// the SDK's types call required, or send them with another type (arguments as an object, token
// counts as strings). Every field is read as `unknown` and kept only with the type it should have,
// so nothing a server sends becomes a TypeError in the agent loop or text in the usage totals.
type Loose = Readonly<Record<string, unknown>>;

function fields(value: unknown): Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : {};
}

function items(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

// Some servers send a tool call's arguments as a JSON object instead of JSON text.
function argumentsText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

// A count that is not a finite, non-negative number counts as missing.
function tokenCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function toUsage(value: unknown): Usage | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const usage = fields(value);
  const inputTokens = tokenCount(usage.prompt_tokens) ?? 0;
  const outputTokens = tokenCount(usage.completion_tokens) ?? 0;
  return { inputTokens, outputTokens, totalTokens: tokenCount(usage.total_tokens) ?? inputTokens + outputTokens };
}

function isFunctionCall(call: unknown): boolean {
  const { type } = fields(call);
  return type === undefined || type === 'function';
}

/**
 * A chat completion (untrusted JSON) as a ChatResponse; throws a retryable ModelCallError when it has
 * no choice. `knownModel`: a model name read before, kept instead of an equal one read now.
 */
export function fromCompletion(completion: unknown, knownModel?: string): ChatResponse {
  const reply = fields(completion);
  const [choice] = items(reply.choices);
  if (choice === undefined) {
    throw new ModelCallError(
      'The model server returned a response without choices; it may not speak the chat completions API.',
      { retryable: true },
    );
  }
  const { message, finish_reason: finishReason } = fields(choice);
  const wire = fields(message);
  // Mapped, not pushed: a list grown by push has room for seventeen calls, and every run keeps the
  // list of each reply (transcript and step records) for as long as it runs.
  const toolCalls = items(wire.tool_calls)
    .filter(isFunctionCall)
    .map((call): ToolCall => {
      const { id, function: target } = fields(call);
      const { name, arguments: args } = fields(target);
      return { id: text(id) ?? '', name: text(name) ?? '', arguments: argumentsText(args) };
    });
  const parts = readContent(wire.content);
  const { content, reasoning } = finishContent(parts.text, [reasoningField(wire), parts.reasoning]);
  const refusal = text(wire.refusal);
  return {
    content,
    toolCalls,
    finishReason: toFinishReason(text(finishReason)),
    usage: toUsage(reply.usage),
    // Every reply of a server names the same model: a run keeps each reply, but one copy of the name.
    model: sameText(text(reply.model), knownModel),
    ...(reasoning === undefined ? {} : { reasoning }),
    ...(refusal === undefined || refusal === '' ? {} : { refusal }),
  };
}

/**
 * What a stream reader hears of each chunk as the accumulator reads it: the pieces of text, of
 * reasoning and of tool calls (`position`: the call's place in order of arrival, from 0).
 */
export interface StreamParts {
  /** The next piece of the content, `<think>` tags and all. */
  text(piece: string): void;
  /** The next piece of a reasoning field or reasoning part. */
  reasoning(piece: string): void;
  /** The next fragment of the tool call at `position`: its id and name when this fragment brings them. */
  toolCall(position: number, id: string | undefined, name: string | undefined, args: string): void;
}

/** Accumulates streamed chunks into one ChatResponse, telling `parts` (when given) each piece as it reads it. */
export class StreamAccumulator {
  #content: string | undefined;
  #reasoning = '';
  #partReasoning = '';
  #refusal = '';
  #sawChoice = false;
  // In order of arrival; `#open` maps a stream index to the call its next fragments extend.
  readonly #calls: { index: number; call: ToolCall; position: number }[] = [];
  readonly #open = new Map<number, { call: ToolCall; position: number }>();
  #finishReason: string | undefined;
  #usage: Usage | undefined;
  #model: string | undefined;
  readonly #parts: StreamParts | undefined;

  /** An accumulator for one streamed reply; `parts` hears each piece as it is read. */
  constructor(parts?: StreamParts) {
    this.#parts = parts;
  }

  // Every streamed piece comes through here (thousands per reply): it reads each chunk in place,
  // making no arrays or objects of its own for the usual one-choice, text-only chunk.
  add(value: unknown): void {
    const chunk = fields(value);
    this.#model ??= text(chunk.model);
    if (chunk.usage !== undefined && chunk.usage !== null) this.#usage = toUsage(chunk.usage);
    for (const item of items(chunk.choices)) {
      const choice = fields(item);
      if (typeof choice.index === 'number' && choice.index !== 0) continue;
      this.#sawChoice = true;
      const delta = fields(choice.delta);
      const { content } = delta;
      let pieceText: string | undefined;
      let partReasoning = '';
      if (typeof content === 'string') pieceText = content;
      else if (content !== undefined && content !== null)
        ({ text: pieceText, reasoning: partReasoning } = readContent(content));
      const reasoning = reasoningField(delta);
      if (pieceText !== undefined) this.#content = (this.#content ?? '') + pieceText;
      this.#partReasoning += partReasoning;
      this.#reasoning += reasoning;
      if (delta.refusal !== undefined) this.#refusal += text(delta.refusal) ?? '';
      if (this.#parts !== undefined) tell(this.#parts, reasoning + partReasoning, pieceText);
      const { tool_calls: toolCalls } = delta;
      if (Array.isArray(toolCalls)) for (const part of toolCalls) this.#addToolCallPart(fields(part));
      if (typeof choice.finish_reason === 'string') this.#finishReason = choice.finish_reason;
    }
  }

  // A fragment continues the open call at its index, unless it names another id: some servers send
  // every call at index 0, told apart only by their ids. Later fragments may carry `"id": ""`
  // (Qwen): the first id given is kept.
  #addToolCallPart(part: Loose): void {
    const index = typeof part.index === 'number' ? part.index : 0;
    const id = text(part.id) ?? '';
    let open = this.#open.get(index);
    if (open === undefined || (id !== '' && open.call.id !== '' && id !== open.call.id)) {
      open = { call: { id: '', name: '', arguments: '' }, position: this.#calls.length };
      this.#calls.push({ index, ...open });
      this.#open.set(index, open);
    }
    const { call } = open;
    if (call.id === '') call.id = id;
    const target = fields(part.function);
    const name = text(target.name) ?? '';
    const args = argumentsText(target.arguments);
    call.name += name;
    call.arguments += args;
    this.#parts?.toolCall(open.position, id === '' ? undefined : id, name === '' ? undefined : name, args);
  }

  finish(): ChatResponse {
    if (!this.#sawChoice) {
      throw new ModelCallError('The model server ended the stream without sending any part of a reply.', {
        retryable: true,
      });
    }
    // Stable: calls sharing an index keep their order of arrival.
    const toolCalls = [...this.#calls].sort((a, b) => a.index - b.index).map(({ call }) => call);
    const { content, reasoning } = finishContent(this.#content, [this.#reasoning, this.#partReasoning]);
    // A stream that ended cleanly without a finish reason (some servers send none before [DONE]) is
    // complete; one that broke off fails in the SDK's reader before it gets here.
    const finishReason = this.#finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop');
    return {
      content,
      toolCalls,
      finishReason: toFinishReason(finishReason),
      usage: this.#usage,
      model: this.#model,
      ...(reasoning === undefined ? {} : { reasoning }),
      ...(this.#refusal === '' ? {} : { refusal: this.#refusal }),
    };
  }
}

function tell(parts: StreamParts, reasoning: string, content: string | undefined): void {
  if (reasoning !== '') parts.reasoning(reasoning);
  if (content !== undefined && content !== '') parts.text(content);
}
