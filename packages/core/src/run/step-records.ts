import type { AgentEventInput, CustomEvent, ModelResponseEvent } from './agent-events.ts';
import { appended } from './short-list.ts';

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
  // The lists of a record are made by their first entry: most steps have no retries and no events
  // of the agent's own, and a run in flight keeps the record of every step it took.
  #records: RecordInProgress[] = [];

  /** The records so far, every list in place (an empty one where the step had none). */
  get steps(): StepRecord[] {
    for (const record of this.#records) {
      record.modelRetries ??= [];
      record.toolCalls ??= [];
      record.agentEvents ??= [];
    }
    return this.#records as StepRecord[];
  }

  /** Adds one of the agent's own events to the current step's record. */
  recordAgentEvent(event: CustomEvent): void {
    const current = this.#records.at(-1);
    if (current !== undefined) current.agentEvents = withEntry(current.agentEvents, event);
  }

  /** Records one of core's events of step `step`. */
  record(event: AgentEventInput, step: number): void {
    if (event.type === 'step-start') {
      this.#records = appended(this.#records, {
        step,
        finalAttempt: event.finalAttempt,
        modelReply: undefined,
        modelRetries: undefined,
        toolCalls: undefined,
        agentEvents: undefined,
        correction: undefined,
      });
      return;
    }
    const current = this.#records.at(-1);
    if (current === undefined) return;
    switch (event.type) {
      case 'model-retry': {
        const { attempt, delayMs, reason, status } = event;
        current.modelRetries = withEntry(current.modelRetries, { attempt, delayMs, reason, status });
        return;
      }
      case 'model-response': {
        const { content, toolCalls, finishReason, usage, reasoning, responseModel, durationMs } = event;
        current.modelReply = { content, toolCalls, finishReason, usage, durationMs };
        if (reasoning !== undefined) current.modelReply.reasoning = reasoning;
        if (responseModel !== undefined) current.modelReply.responseModel = responseModel;
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
        current.toolCalls = withEntry(current.toolCalls, call);
        return;
      }
      case 'tool-end': {
        // Calls of one turn may end in any order: each end finds its own start.
        const call = current.toolCalls?.findLast((entry) => entry.toolCallId === event.toolCallId);
        if (call === undefined) return;
        call.output = event.output;
        call.isError = event.isError;
        call.originalLength = event.originalLength;
        call.durationMs = event.durationMs;
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

// A step's record while the run goes on: a list is undefined until its first entry.
type RecordInProgress = Omit<StepRecord, 'modelRetries' | 'toolCalls' | 'agentEvents'> & {
  modelRetries: ModelRetryRecord[] | undefined;
  toolCalls: ToolCallRecord[] | undefined;
  agentEvents: CustomEvent[] | undefined;
};

// The list with `entry` added; made with its first entry.
function withEntry<Entry>(list: Entry[] | undefined, entry: Entry): Entry[] {
  return list === undefined ? [entry] : appended(list, entry);
}
