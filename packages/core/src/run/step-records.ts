import type { AgentEventInput, CustomEvent, ModelResponseEvent } from './agent-events.ts';

/** The model's reply of one step, as the `model-response` event reported it. */
export type ModelReplyRecord = Omit<ModelResponseEvent, 'type' | 'runId' | 'step' | 'seq'>;

/** A failed model-call attempt that was retried, as the `model-retry` event reported it. */
export interface ModelRetryRecord {
  attempt: number;
  delayMs: number;
  reason: string;
  status: number | undefined;
}

/** One tool call of a step, from its `tool-start` and `tool-end` events. */
export interface ToolCallRecord {
  toolCallId: string;
  toolName: string;
  /** The arguments as the model gave them (parsed when they were JSON). */
  arguments: unknown;
  /** What the model read back (cut to the agent's limit; `Error: ...` for a failure). */
  output: string;
  isError: boolean;
  /** The error behind a failed call: what the tool threw, with its stack (see `ToolEndEvent.error`). */
  error?: Error | undefined;
  /** The length of the output before it was cut; undefined when it was not cut. */
  originalLength: number | undefined;
  durationMs: number;
}

/** What happened in one step of a run: the model's reply and what the agent did with it. */
export interface StepRecord {
  step: number;
  /** True for the one extra step some agents take after the step limit. */
  finalAttempt: boolean;
  /** The reply; undefined when the model call failed or the run was aborted before it came. */
  modelReply: ModelReplyRecord | undefined;
  /** Attempts of this step's model call that failed and were retried; empty when the first one worked. */
  modelRetries: ModelRetryRecord[];
  toolCalls: ToolCallRecord[];
  /** The events of this step that the agent adds of its own (the code agent's `code-start` and `code-end`), in order. */
  agentEvents: CustomEvent[];
  /** Set when the reply could not be used and the agent told the model why. */
  correction: { reason: string; message: string } | undefined;
}

/**
 * Builds a run's step records from the events it emits, so no agent keeps its own bookkeeping: a
 * new record at each `step-start`, filled in by the events of that step.
 */
export class StepRecorder {
  readonly steps: StepRecord[] = [];

  /** Adds one of the agent's own events to the current step's record. */
  recordAgentEvent(event: CustomEvent): void {
    this.steps.at(-1)?.agentEvents.push(event);
  }

  /** Records one of core's events of step `step`. */
  record(event: AgentEventInput, step: number): void {
    const { steps } = this;
    if (event.type === 'step-start') {
      steps.push({
        step,
        finalAttempt: event.finalAttempt,
        modelReply: undefined,
        modelRetries: [],
        toolCalls: [],
        agentEvents: [],
        correction: undefined,
      });
      return;
    }
    const current = steps.at(-1);
    if (current === undefined) return;
    switch (event.type) {
      case 'model-retry': {
        const { attempt, delayMs, reason, status } = event;
        current.modelRetries.push({ attempt, delayMs, reason, status });
        return;
      }
      case 'model-response': {
        const { content, toolCalls, finishReason, usage, reasoning, durationMs } = event;
        current.modelReply = { content, toolCalls, finishReason, usage, durationMs };
        if (reasoning !== undefined) current.modelReply.reasoning = reasoning;
        return;
      }
      case 'tool-start': {
        const call: ToolCallRecord = {
          toolCallId: event.toolCallId,
          toolName: event.toolName,
          arguments: event.arguments,
          output: '',
          isError: false,
          originalLength: undefined,
          durationMs: 0,
        };
        // The usual step makes one call: a list made with it has room for one, where a push into an
        // empty one makes room for seventeen, which every run keeps for every step.
        if (current.toolCalls.length === 0) current.toolCalls = [call];
        else current.toolCalls.push(call);
        return;
      }
      case 'tool-end': {
        // Calls of one turn may end in any order: each end finds its own start.
        const call = current.toolCalls.findLast((entry) => entry.toolCallId === event.toolCallId);
        if (call === undefined) return;
        Object.assign(call, {
          output: event.output,
          isError: event.isError,
          originalLength: event.originalLength,
          durationMs: event.durationMs,
        });
        if (event.error !== undefined) call.error = event.error;
        return;
      }
      case 'correction':
        current.correction = { reason: event.reason, message: event.message };
        return;
      default:
        return;
    }
  }
}
