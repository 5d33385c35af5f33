import type { ChatResponse, FinishReason, ToolCall, Usage } from '@tinyagent/core';

/** A tool call in a script; object arguments are JSON-encoded, string arguments are sent as written. */
export interface ScriptedToolCall {
  name: string;
  arguments?: unknown;
  /** Defaults to `call_<n>`, numbered per model or server. */
  id?: string;
}

/** A scripted assistant reply: plain text, or content and/or tool calls with optional details. */
export type ScriptedReply =
  | string
  | {
      content?: string | null;
      toolCalls?: readonly ScriptedToolCall[];
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
  };
}
