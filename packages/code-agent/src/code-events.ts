import type { EventEnvelope } from '@tinyagent/core';
import { indent, preview } from '@tinyagent/core/internal';

/** The code agent is about to execute model-written code. */
export interface CodeStartEvent extends EventEnvelope {
  type: 'code-start';
  code: string;
}

/** Model-written code finished executing; `output` is what the model will read. */
export interface CodeEndEvent extends EventEnvelope {
  type: 'code-end';
  output: string;
  isError: boolean;
  durationMs: number;
}

/**
 * The next piece of the code block the model is writing, as it streams (run option `deltas`): the
 * code only, never the fences or the text around them. `attempt` is the model call's, as in core's
 * deltas: a `model-retry` means that attempt's pieces were not the code. `code-start` has the whole block.
 */
export interface CodeDeltaEvent extends EventEnvelope {
  type: 'code-delta';
  attempt: number;
  text: string;
}

/** The code agent's own events, besides core's AgentEvent. */
export type CodeEvent = CodeStartEvent | CodeDeltaEvent | CodeEndEvent;

/** The verbose trace's lines for a code event. */
export function describeCodeEvent(event: CodeEvent): string[] {
  if (event.type === 'code-start') return ['  code:', ...indent(preview(event.code, 2_000))];
  // The whole block follows in code-start: the trace does not repeat it piece by piece.
  if (event.type === 'code-delta') return [];
  return [event.isError ? '  execution failed:' : '  output:', ...indent(preview(event.output))];
}
