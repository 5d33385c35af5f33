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

/** The code agent's own events, besides core's AgentEvent. */
export type CodeEvent = CodeStartEvent | CodeEndEvent;

/** The verbose trace's lines for a code event. */
export function describeCodeEvent(event: CodeEvent): string[] {
  if (event.type === 'code-start') return ['  code:', ...indent(preview(event.code, 2_000))];
  return [event.isError ? '  execution failed:' : '  output:', ...indent(preview(event.output))];
}
