import type { JsonSchema } from '../tools/tool.ts';

/** A tool call requested by the model; `arguments` is the JSON text exactly as the model wrote it. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** One message of a chat conversation. */
export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; toolCalls?: readonly ToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

/** A tool offered to the model for native tool calling. */
export interface ToolDefinition {
  name: string;
  description: string;
  parameters: JsonSchema;
}

/** Token counts of one model response. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

/** Why the model stopped: normal end, length limit, tool calls, content filter, or something else. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'unknown';

/** Whether the model may call the offered tools: as it sees fit, not at all, or at least one. */
export type ToolChoice = 'auto' | 'none' | 'required';

/** One request to a chat model. */
export interface ChatRequest {
  messages: readonly ChatMessage[];
  temperature?: number | undefined;
  /** Tools for native tool calling; omit for plain text replies. */
  tools?: readonly ToolDefinition[] | undefined;
  /**
   * How the model may use `tools`; the server's default (`auto`) when unset. `none` makes it answer
   * in text while the tools stay declared, which providers require once the transcript holds tool
   * calls, and which keeps the prompt prefix (and its cache) unchanged.
   */
  toolChoice?: ToolChoice | undefined;
  /** Stop sequences. */
  stop?: readonly string[] | undefined;
  signal?: AbortSignal | undefined;
  /** Upper bound on this request, retries included. */
  timeoutMs?: number | undefined;
  /**
   * Called before the model waits to retry a failed attempt, so a slow call is never silent. A throw
   * (or a rejected promise) is logged as a warning and does not fail the call.
   */
  onRetry?: ((retry: ModelRetry) => void) | undefined;
  /**
   * Receives the reply as it arrives, piece by piece (see ModelDelta); the returned `ChatResponse`
   * is the same as without it. A model that can stream does so whenever this is set (OpenAIChatModel
   * streams even when its `streaming` option is off); one that cannot simply calls it never. When it
   * returns a promise, a model that streams reads no further until it settles: that is how a slow
   * consumer holds the model back instead of piling up pieces. A throw or a rejected promise is
   * logged as a warning and does not fail the call. Deltas of a failed attempt are not
   * taken back: `onRetry` says which attempt failed, and each delta names its own.
   */
  onDelta?: ((delta: ModelDelta) => void | Promise<void>) | undefined;
}

/**
 * One piece of a reply as it streams: `text` (the answer's text), `reasoning` (the model's thinking:
 * reasoning fields and `<think>` content), or a fragment of a tool call. Pieces are raw: the
 * assembled `ChatResponse` is what counts (trimmed, checked); `attempt` (from 1) tells the pieces of
 * a retried attempt from those of the one that replaced it.
 */
export type ModelDelta = TextDelta | ReasoningDelta | ToolCallDelta;

/** The next piece of the model's answer text. */
export interface TextDelta {
  type: 'text';
  /** The attempt of the model call it belongs to, from 1. */
  attempt: number;
  text: string;
}

/** The next piece of the model's reasoning (thinking), kept apart from its text. */
export interface ReasoningDelta {
  type: 'reasoning';
  /** The attempt of the model call it belongs to, from 1. */
  attempt: number;
  text: string;
}

/** The next fragment of a tool call: its id and name when they arrive, then its arguments in pieces. */
export interface ToolCallDelta {
  type: 'tool-call';
  /** The attempt of the model call it belongs to, from 1. */
  attempt: number;
  /** The call's place among the reply's calls in order of arrival, from 0: fragments with one index make one call. */
  index: number;
  /** The call's id, in the fragment that brings it. */
  id?: string | undefined;
  /** The tool's name (or the next piece of it), in the fragment that brings it. */
  name?: string | undefined;
  /** The next piece of the arguments' JSON text; '' when the fragment brings none. */
  arguments: string;
}

/** A failed attempt of a model call that is about to be retried. */
export interface ModelRetry {
  /** The attempt that failed, from 1. */
  attempt: number;
  /** How long the model waits before the next attempt. */
  delayMs: number;
  /** Why the attempt failed, known secrets redacted. */
  reason: string;
  /** The HTTP status of the failed attempt; undefined for connection failures and broken replies. */
  status: number | undefined;
}

/** The model's reply. */
export interface ChatResponse {
  /** Assistant text; null when the model only called tools. */
  content: string | null;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  /** Token counts, or undefined when the server did not report them (unknown, not zero). */
  usage: Usage | undefined;
  /** The model that answered, as the server named it. */
  model: string | undefined;
  /** The model's reasoning (thinking) when the server sent it apart from the answer; never part of `content`. */
  reasoning?: string | undefined;
  /** The model's refusal to answer, when the server sent one; the run ends with a ModelRefusalError. */
  refusal?: string | undefined;
}

/** The one seam between agents and language models: messages in, a reply out. */
export interface ChatModel {
  /** The model's name, for traces and results. */
  readonly modelName: string;
  complete(request: ChatRequest): Promise<ChatResponse>;
}
