import type { ChatResponse, FinishReason, ToolCall, Usage } from '../model/chat-model.ts';

/** A tool call in a script; object arguments are JSON-encoded, string arguments are sent as written. */
export interface ScriptedToolCall {
  name: string;
  arguments?: unknown;
  /** Defaults to `call_<n>`, numbered per model or server. */
  id?: string;
}

/**
 * How the fake server lays a reply on the wire, to replay what real providers send where it
 * differs from OpenAI. The in-process scripted model ignores it.
 */
export interface ReplyWireShape {
  /**
   * Where `reasoning` travels: `reasoning_content` (DeepSeek, vLLM, Qwen; the default), `reasoning`
   * (OpenRouter, Ollama), `think_tags` (`<think>…</think>` before the content, as many local
   * servers leave it), or `content_parts` (a thinking part of the content, as Magistral sends it).
   */
  reasoning?: 'reasoning_content' | 'reasoning' | 'think_tags' | 'content_parts';
  /** The content as an array of typed text parts, as Mistral sends it (streamed: each piece a part list). */
  contentParts?: boolean;
  /** Streamed: every fragment of a tool call after its first carries `"id": ""` (Qwen). */
  emptyIdsAfterFirst?: boolean;
  /** Streamed: every tool call arrives at index 0, told apart only by its id. */
  callsAtIndexZero?: boolean;
  /** Streamed: no chunk carries a finish reason; the stream still ends with `[DONE]`. */
  noFinishReason?: boolean;
}

/** A scripted assistant reply: plain text, or content and/or tool calls with optional details. */
export type ScriptedReply =
  | string
  | {
      content?: string | null;
      toolCalls?: readonly ScriptedToolCall[];
      /** The model's reasoning, kept apart from the content (see `wire.reasoning` for where it is sent). */
      reasoning?: string;
      /** A refusal to answer, in OpenAI's `refusal` field. */
      refusal?: string;
      /** Provider-specific wire shapes, for the fake server. */
      wire?: ReplyWireShape;
      /** Defaults to `tool_calls` when there are tool calls, else `stop`. */
      finishReason?: FinishReason;
      /** Token counts to report; `null` reports none (the usage is then unknown). Defaults to an estimate. */
      usage?: Usage | null;
      /** Wait this long before answering. */
      delayMs?: number;
    };

/** A reply with every default filled in. */
export interface NormalizedReply {
  content: string | null;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage | undefined;
  delayMs: number;
  reasoning: string | undefined;
  refusal: string | undefined;
  wire: ReplyWireShape;
}

/** Hands out `call_1`, `call_2`, … so that ids are deterministic within one model or server. */
export function createIdSequence(prefix: string): () => string {
  let next = 0;
  return () => `${prefix}${(next += 1)}`;
}

/** Fills in a reply's defaults; `promptText` feeds the usage estimate. */
export function normalizeReply(reply: ScriptedReply, nextId: () => string, promptText: string): NormalizedReply {
  const spec = typeof reply === 'string' ? { content: reply } : reply;
  const toolCalls = (spec.toolCalls ?? []).map((call) => ({
    id: call.id ?? nextId(),
    name: call.name,
    arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
  }));
  const content = spec.content ?? null;
  const completionText = (content ?? '') + toolCalls.map((call) => call.name + call.arguments).join('');
  return {
    content,
    toolCalls,
    finishReason: spec.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
    usage: spec.usage === null ? undefined : (spec.usage ?? estimateUsage(promptText, completionText)),
    delayMs: spec.delayMs ?? 0,
    reasoning: spec.reasoning,
    refusal: spec.refusal,
    wire: spec.wire ?? {},
  };
}

// Roughly four characters a token: enough for tests that check usage is summed, never exact.
function estimateUsage(promptText: string, completionText: string): Usage {
  const inputTokens = Math.max(1, Math.ceil(promptText.length / 4));
  const outputTokens = Math.max(1, Math.ceil(completionText.length / 4));
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
}

/** The ChatResponse a normalized reply stands for. */
export function toChatResponse(reply: NormalizedReply, model: string): ChatResponse {
  return {
    content: reply.content,
    toolCalls: reply.toolCalls,
    finishReason: reply.finishReason,
    usage: reply.usage,
    model,
    ...(reply.reasoning === undefined ? {} : { reasoning: reply.reasoning }),
    ...(reply.refusal === undefined ? {} : { refusal: reply.refusal }),
  };
}
