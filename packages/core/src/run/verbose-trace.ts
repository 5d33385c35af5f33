import { CORE_EVENT_TYPES } from './agent-events.ts';
import type { AgentEvent, CustomEvent } from './agent-events.ts';
import { ToolExecutionError, ToolInputError } from '../errors.ts';
import { redactSecrets } from '../secrets.ts';
import { stringifyResult } from '../tools/stringify.ts';
import { escapeControls } from '../terminal-text.ts';

const PREVIEW_LENGTH = 600;

/**
 * Creates the listener behind `verbose: true`: a readable trace of a run (task, tools, steps, model
 * replies, tool calls with arguments and results, truncation notes, the final attempt, the answer),
 * written line by line to `write` (stderr by default) with secrets redacted and control characters
 * escaped, so that no page, tool or model can send escape sequences to the terminal.
 */
export function createVerboseTrace(
  write: (text: string) => void = (text) => process.stderr.write(text),
  describeOwn?: (event: CustomEvent) => string[],
): (event: AgentEvent | CustomEvent) => void {
  return (event) => {
    const lines = isCoreEvent(event) ? describeEvent(event) : (describeOwn?.(event) ?? []);
    // A sub-agent's lines (asTool) sit under the call that runs it.
    const margin = event.parentRunId === undefined ? '' : '    | ';
    if (lines.length > 0) write(escapeControls(redactSecrets(lines.map((line) => `${margin}${line}\n`).join(''))));
  };
}

function isCoreEvent(event: AgentEvent | CustomEvent): event is AgentEvent {
  return CORE_EVENT_TYPES.has(event.type);
}

/** The trace lines of one event; empty for events the trace leaves out. */
export function describeEvent(event: AgentEvent): string[] {
  switch (event.type) {
    case 'run-start':
      return [
        `[tinyagent] ${event.resumed === true ? 'resumed ' : ''}task: ${event.task}`,
        `[tinyagent] model: ${event.model}; tools: ${event.tools.join(', ') || '(none)'}`,
      ];
    case 'step-start':
      return [
        event.finalAttempt
          ? `--- final attempt (step limit of ${event.maxSteps} reached)`
          : `--- step ${event.step}/${event.maxSteps}`,
      ];
    // The trace prints each reply whole, at its model-response.
    case 'model-request':
    case 'text-delta':
    case 'reasoning-delta':
    case 'tool-call-delta':
    case 'answer-delta':
      return [];
    case 'model-retry':
      return [
        `  model call attempt ${event.attempt} failed (${preview(event.reason)}); retrying in ${event.delayMs} ms`,
      ];
    case 'model-response': {
      const lines = [];
      if (event.reasoning !== undefined && event.reasoning.trim() !== '') {
        lines.push(`model thinks: ${preview(event.reasoning)}`);
      }
      if (event.content !== null && event.content.trim() !== '') lines.push(`model: ${preview(event.content)}`);
      if (event.content === null && event.toolCalls.length === 0) lines.push('model: (empty reply)');
      if (event.finishReason === 'length') lines.push('  (the reply was cut off at the length limit)');
      return lines;
    }
    case 'tool-start':
      return [`  -> ${event.toolName}(${preview(stringifyResult(event.arguments))})`];
    case 'tool-end': {
      const lines = [`  <- ${event.toolName}${event.isError ? ' failed' : ''}: ${preview(event.output)}`];
      if (event.originalLength !== undefined) {
        lines.push(`     (result cut from ${event.originalLength} characters to the agent's limit)`);
      }
      return [...lines, ...thrownStack(event.error)];
    }
    case 'approval-requested': {
      const { approval } = event;
      const what =
        approval.kind === 'code'
          ? `code calling ${approval.calls.map((call) => call.toolName).join(', ')}`
          : `${approval.toolName}(${preview(stringifyResult(approval.arguments))})`;
      return [`  ?? ${what} waits for approval (id ${approval.callId})`];
    }
    case 'approval-resolved':
      return [
        `  ${event.approved ? 'approved' : 'declined'}: ${event.callId}${event.reason === undefined ? '' : ` (${preview(event.reason)})`}`,
      ];
    case 'correction':
      return [`  correction (${event.reason}): ${preview(event.message)}`];
    case 'final-answer':
      return [
        `[tinyagent] final answer${event.answer.source === 'final_attempt' ? ' (final attempt)' : ''}: ${preview(stringifyResult(event.answer.value))}`,
      ];
    case 'run-end': {
      const { result } = event;
      const tail = result.error === undefined ? '' : ` — ${result.error.message}`;
      return [
        `[tinyagent] run ${result.state} after ${result.stepsTaken} step(s) in ${Math.round(result.durationMs)} ms${tail}`,
      ];
    }
  }
}

// The stack of an error a tool threw: what the developer needs to fix a crashing tool. Rejected
// arguments and timeouts are core's own errors, whose stacks say nothing about the tool.
function thrownStack(error: Error | undefined): string[] {
  if (error === undefined || ToolInputError.isInstance(error)) return [];
  if (ToolExecutionError.isInstance(error) && error.timedOut) return [];
  const stack = typeof error.stack === 'string' && error.stack !== '' ? error.stack : `${error.name}: ${error.message}`;
  return ['     thrown:', ...indent(preview(stack, 4_000)).map((line) => `  ${line}`)];
}

/** `text` cut to `limit` characters, saying how many more there were. */
export function preview(text: string, limit = PREVIEW_LENGTH): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length - limit} more characters)`;
}

/** Indents each line of `text` under the trace line it belongs to. */
export function indent(text: string): string[] {
  return text.split('\n').map((line) => `     ${line}`);
}
