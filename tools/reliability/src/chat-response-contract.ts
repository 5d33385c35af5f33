import type { ChatResponse, FinishReason } from '@tinyagent/core';

// Every member of core's FinishReason, no more: `satisfies` makes the type checker flag any drift.
const FINISH_REASON_KEYS = { stop: 0, length: 0, tool_calls: 0, content_filter: 0, unknown: 0 } satisfies Record<
  FinishReason,
  0
>;
const FINISH_REASONS: ReadonlySet<string> = new Set(Object.keys(FINISH_REASON_KEYS));

/**
 * Every way `response` breaks the ChatResponse type, as readable problems; empty when it keeps it.
 * Whatever a server sent, what OpenAIChatModel hands to an agent must keep the type.
 */
export function contractViolations(response: ChatResponse): string[] {
  const problems: string[] = [];
  const value = response as unknown as Record<string, unknown>;
  if (value.content !== null && typeof value.content !== 'string')
    problems.push(`content is ${describe(value.content)}`);
  if (!Array.isArray(value.toolCalls)) {
    problems.push(`toolCalls is ${describe(value.toolCalls)}`);
  } else {
    value.toolCalls.forEach((call: unknown, index) => {
      const fields = (call ?? {}) as Record<string, unknown>;
      for (const field of ['id', 'name', 'arguments']) {
        if (typeof fields[field] !== 'string')
          problems.push(`toolCalls[${index}].${field} is ${describe(fields[field])}`);
      }
    });
  }
  if (typeof value.finishReason !== 'string' || !FINISH_REASONS.has(value.finishReason)) {
    problems.push(`finishReason is ${describe(value.finishReason)}`);
  }
  if (value.usage !== undefined) {
    const usage = (value.usage ?? {}) as Record<string, unknown>;
    for (const field of ['inputTokens', 'outputTokens', 'totalTokens']) {
      const count = usage[field];
      if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) {
        problems.push(`usage.${field} is ${describe(count)}`);
      }
    }
  }
  if (value.model !== undefined && typeof value.model !== 'string') problems.push(`model is ${describe(value.model)}`);
  return problems;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) as string | undefined;
  return `${Array.isArray(value) ? 'an array' : typeof value} ${text === undefined ? '' : text.slice(0, 60)}`.trim();
}
