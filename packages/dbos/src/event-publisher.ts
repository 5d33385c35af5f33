import { DBOS } from '@dbos-inc/dbos-sdk';
import { ConfigurationError } from '@tinyagent/core';
import type { AgentEvent, CustomEvent, RunResult, StepRunner } from '@tinyagent/core';
import { RunPaused, describeThrown, getLogger } from '@tinyagent/core/internal';
import type { DurableRunEvent, DurableRunOutcome } from './durable-types.ts';
import type { RunningRun } from './running-runs.ts';

/** The DBOS stream of a run's events; each entry is a batch (an array) of events, in order. */
export const EVENTS_STREAM = 'tinyagent-events';

/**
 * How long, in milliseconds, an event may wait for a write while a step runs. Each stream write is a
 * PostgreSQL commit of its own; writing the events before every step doubled what a step costs. Steps
 * that end sooner leave their events to a later write, so a run of quick steps writes once per this
 * many milliseconds; a slow model call or tool has the events before it written while it runs.
 */
export const EVENT_DELAY_MS = 50;

/**
 * Publishes a run's events to its DBOS stream, exactly once for the steps that completed. Events are
 * numbered and buffered; a write takes every event buffered so far, and writes are chained, so the
 * stream holds one increasing sequence. A write happens inside a running step (DBOS counts a stream
 * write made by the workflow itself as an operation of the workflow) once the oldest buffered event
 * is `EVENT_DELAY_MS` old, and at each `flush` whatever their age. Each step's record carries how far
 * the stream was written when its body ended: a replay drops the events up to there instead of writing
 * them again, and writes the rest. Only a crash can repeat events (those written after the last step
 * recorded), which readers drop by their `seq`. A write that fails is logged (redacted) and its events
 * lost to readers: the run goes on.
 */
export interface EventPublisher {
  /** The run's `onEvent`: takes each event, renames and numbers it, and buffers it for a write. */
  readonly onEvent: (event: AgentEvent | CustomEvent) => void;
  /** The step runner of the run: each model call and tool execution is a DBOS step named by its step id. */
  readonly stepRunner: StepRunner;
  /** Writes what is buffered, as a DBOS step of its own (once a pause is stored, and at the end of the run). */
  flush(): Promise<void>;
}

// What DBOS records of a step: its work's result, and the last event the stream held when it ended.
interface RecordedStep<Result> {
  result: Result;
  published: number;
}

/**
 * Creates the EventPublisher of one workflow execution of run `runId`. The events carry `runId` in
 * place of the agent's own run id, which is new in each execution, and a `seq` numbered here, one
 * counter for the whole workflow: the agent restarts its own `seq` in each stretch (the run, then each
 * resume after an approval). A replay emits the same events with the same numbers (after a crash, tool
 * calls that ran at once may end in another order, and so be numbered differently; readers keep the
 * first event of each number).
 */
export function createEventPublisher(runId: string, running: RunningRun): EventPublisher {
  let agentRunId: string | undefined;
  let seq = 0;
  let buffer: DurableRunEvent[] = [];
  let oldestAt = 0;
  // The last event a completed write holds: what a step's record may vouch for.
  let published = 0;
  let writes: Promise<void> = Promise.resolve();
  // From an `approval-requested` on, events wait for `flush`, which the workflow calls once the pending
  // approvals are stored: a reader that sees the request can approve at once.
  let holding = false;
  // Writes the buffered events numbered up to `through`.
  const write = (through: number): void => {
    let count = 0;
    while (count < buffer.length && (buffer[count]?.seq ?? Infinity) <= through) count += 1;
    const batch = buffer.slice(0, count);
    const last = batch.at(-1)?.seq;
    if (last === undefined) return;
    buffer = buffer.slice(count);
    // The time of the events left is not kept: counting from now only delays them.
    oldestAt = performance.now();
    writes = writes.then(async () => {
      try {
        await DBOS.writeStream(EVENTS_STREAM, batch);
        published = Math.max(published, last);
      } catch (error) {
        // Logged, never thrown: it would be recorded as the failure of the step's model call or tool.
        // A worker that closes stops its writes on purpose; the next worker writes them again.
        if (running.stopped) return;
        const seqs = `${String(batch[0]?.seq)}-${String(last)}`;
        getLogger().warn(`dbos: events ${seqs} of run ${runId} were not published: ${describeThrown(error)}`);
      }
    });
  };
  // While a step's body runs, writes the events before the step (numbered up to `through`) once the
  // oldest is due. Events the step's own work emits (deltas, a sub-agent's) wait for a later step: if
  // the step is cut off, its next execution emits its own under the same numbers. Called inside the
  // body, so the writes, and the timers that start them, belong to the step.
  const writeWhileRunning = (through: number): (() => void) => {
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      // A closed worker's steps never end: the next worker writes their events.
      if (running.stopped) return;
      // While holding, the buffer waits for `flush`: look again later, not at once.
      const writable = !holding && (buffer[0]?.seq ?? Infinity) <= through;
      const due = writable ? oldestAt + EVENT_DELAY_MS - performance.now() : EVENT_DELAY_MS;
      if (due <= 0) write(through);
      // Unref'd: a tool that never ends must not keep the process alive through this timer.
      timer = setTimeout(arm, due <= 0 ? EVENT_DELAY_MS : due).unref();
    };
    arm();
    return () => clearTimeout(timer);
  };
  const inStep = async <Result>(id: string, work: () => Promise<Result>): Promise<Result> => {
    // Taken now, synchronously: the events before this step, in the order the run emitted them.
    const through = seq;
    const recorded = await DBOS.runStep(
      () =>
        running.step(async (): Promise<RecordedStep<Result>> => {
          const stop = writeWhileRunning(through);
          try {
            const result = await work();
            return { result, published };
          } finally {
            stop();
          }
        }),
      { name: id },
    );
    // A step DBOS answers from its record: the first execution published the events up to there.
    markPublished(recorded.published);
    return recorded.result;
  };
  const markPublished = (last: number): void => {
    published = Math.max(published, last);
    if ((buffer[0]?.seq ?? Infinity) <= last) buffer = buffer.filter((event) => event.seq > last);
  };
  return {
    onEvent: (event) => {
      if (event.type === 'approval-requested') holding = true;
      // The run's own events have no parent; an agent it calls as a tool names it as the parent.
      if (event.parentRunId === undefined) agentRunId = event.runId;
      seq += 1;
      const renamed =
        event.parentRunId === undefined
          ? { ...event, runId, seq }
          : event.parentRunId === agentRunId
            ? { ...event, parentRunId: runId, seq }
            : { ...event, seq };
      if (buffer.length === 0) oldestAt = performance.now();
      buffer.push(toDurableEvent(renamed));
    },
    stepRunner: {
      run: (id, work) => inStep(id, () => refuseNestedPause(work(), id)),
    },
    flush: async () => {
      holding = false;
      const recorded = await DBOS.runStep(
        () =>
          running.step(async () => {
            write(Infinity);
            await writes;
            return published;
          }),
        { name: 'events' },
      );
      markPublished(recorded);
    },
  };
}

// An agent called as a tool (asTool) that pauses for approval rejects its caller's tool step with
// RunPaused, which DBOS would record as a plain Error: a replay would then read a failed call, and the
// run's pending approval has another id than the sub-run's approval-requested. Until core gives the
// step seam a way to park such a call, the run fails here, with a recorded error that replays alike.
async function refuseNestedPause<Result>(work: Promise<Result>, stepId: string): Promise<Result> {
  try {
    return await work;
  } catch (error) {
    if (!RunPaused.isInstance(error)) throw error;
    throw new ConfigurationError(
      `Step ${stepId}: the approval of an agent called as a tool (asTool) is not durable yet. In a durable run, ` +
        'give the approval to the calling agent (needsApproval on its own tool), or run the agent that needs it on its own.',
    );
  }
}

/** An event as plain JSON for the stream: errors as name and message, a RunResult as its outcome. */
export function toDurableEvent(event: AgentEvent | CustomEvent): DurableRunEvent {
  if (event.type === 'tool-end' && 'error' in event && event.error instanceof Error) {
    return { ...event, error: { name: event.error.name, message: event.error.message } };
  }
  if (event.type === 'run-end' && 'result' in event) {
    const result = event.result;
    return {
      ...event,
      result: {
        ...outcomeFields(result),
        state: result.state,
        ...(result.pendingApprovals === undefined ? {} : { pendingApprovals: result.pendingApprovals }),
      },
    };
  }
  return event as DurableRunEvent;
}

/** The plain-data part of a RunResult that a durable run stores as its outcome. */
export function outcomeFields(result: RunResult): Omit<DurableRunOutcome, 'state' | 'runId'> {
  return {
    output: result.output,
    stepsTaken: result.stepsTaken,
    usage: result.usage,
    ...(result.error === undefined ? {} : { error: { name: result.error.name, message: result.error.message } }),
  };
}
