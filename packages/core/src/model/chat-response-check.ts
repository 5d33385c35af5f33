// A ChatModel may be anyone's code. What its `complete` resolves with is checked once, where runs
// call it, so that a reply of the wrong shape fails the run with a ModelCallError that names the
// model, instead of a TypeError deep inside an agent loop (or text summed into the usage totals).
import type { ChatResponse, ToolCall, Usage } from './chat-model.ts';
import { ModelCallError } from '../errors.ts';
import { redactSecrets } from '../secrets.ts';

const FINISH_REASONS: ReadonlySet<string> = new Set(['stop', 'length', 'tool_calls', 'content_filter', 'unknown']);

/**
 * Returns `value` as a ChatResponse: fields left out get their empty value (`content: null`, no tool
 * calls, finish reason `unknown`, no usage); a field of the wrong type throws a ModelCallError.
 */
export function checkChatResponse(value: unknown, modelName: string): ChatResponse {
  const fail = (problem: string): never => {
    throw new ModelCallError(
      redactSecrets(
        `The chat model '${modelName}' returned a reply that is not a ChatResponse: ${problem}. ` +
          'Check the complete() method of the model.',
      ),
      { retryable: false },
    );
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`the reply is ${kindOf(value)}`);
  const reply = value as Partial<Record<keyof ChatResponse, unknown>>;
  const content = reply.content ?? null;
  if (content !== null && typeof content !== 'string') fail(`content is ${kindOf(content)}, not text or null`);
  const toolCalls = reply.toolCalls ?? [];
  if (!Array.isArray(toolCalls)) return fail(`toolCalls is ${kindOf(toolCalls)}, not a list`);
  for (let index = 0; index < toolCalls.length; index += 1) {
    const problem = toolCallProblem(toolCalls[index]);
    if (problem !== undefined) fail(`toolCalls[${index}] ${problem}`);
  }
  const finishReason = reply.finishReason ?? 'unknown';
  if (typeof finishReason !== 'string' || !FINISH_REASONS.has(finishReason)) {
    fail(`finishReason is ${kindOf(finishReason)}, not one of ${[...FINISH_REASONS].join(', ')}`);
  }
  const problem = usageProblem(reply.usage);
  if (problem !== undefined) fail(problem);
  if (reply.model !== undefined && typeof reply.model !== 'string') fail(`model is ${kindOf(reply.model)}`);
  const { reasoning, refusal } = reply;
  if (!isOptionalText(reasoning)) fail(`reasoning is ${kindOf(reasoning)}, not text`);
  if (!isOptionalText(refusal)) fail(`refusal is ${kindOf(refusal)}, not text`);
  // Built field by field, not from spreads: every model reply of every run passes here.
  const checked: ChatResponse = {
    content: content as string | null,
    toolCalls: toolCalls as ToolCall[],
    finishReason: finishReason as ChatResponse['finishReason'],
    usage: (reply.usage ?? undefined) as Usage | undefined,
    model: reply.model as string | undefined,
  };
  if (typeof reasoning === 'string') checked.reasoning = reasoning;
  if (typeof refusal === 'string') checked.refusal = refusal;
  return checked;
}

function isOptionalText(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string';
}

function toolCallProblem(call: unknown): string | undefined {
  if (typeof call !== 'object' || call === null) return `is ${kindOf(call)}, not { id, name, arguments }`;
  const { id, name, arguments: args } = call as Partial<Record<keyof ToolCall, unknown>>;
  if (typeof id !== 'string') return `has an id that is ${kindOf(id)}, not text`;
  if (typeof name !== 'string') return `has a name that is ${kindOf(name)}, not text`;
  if (typeof args !== 'string') return `has arguments that are ${kindOf(args)}, not JSON text`;
  return undefined;
}

function usageProblem(usage: unknown): string | undefined {
  if (usage === undefined || usage === null) return undefined;
  if (typeof usage !== 'object') return `usage is ${kindOf(usage)}`;
  for (const key of ['inputTokens', 'outputTokens', 'totalTokens'] as const) {
    const count = (usage as Partial<Record<keyof Usage, unknown>>)[key];
    if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) {
      return `usage.${key} is ${kindOf(count)}, not a token count`;
    }
  }
  return undefined;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string')
    return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}
