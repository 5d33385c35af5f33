import { DBOS } from '@dbos-inc/dbos-sdk';
import { ConfigurationError } from '@tinyagent/core';
import type { AgentEvent, CustomEvent, RunResult, StepRunner } from '@tinyagent/core';
import { RunPaused, describeThrown, getLogger } from '@tinyagent/core/internal';
import type { DurableRunEvent, DurableRunOutcome } from './durable-types.ts';
import type { RunningRun } from './running-runs.ts';

/** The DBOS stream of a run's events; each entry is a batch (an array) of events, in order. */
export const EVENTS_STREAM = 'tinyagent-events';

/**
 * Publishes a run's events to its DBOS stream, exactly once for the steps that completed. Events are
 * buffered and written inside the next DBOS step, before its work: a step that DBOS replays from its
 * record does not run its body, so the events that led up to it (which the original execution wrote)
 * are dropped instead of written again. Writes are chained so the stream keeps the events' order even
 * when tool steps run concurrently. Only a crash inside a step can repeat the batch it wrote. A write
 * that fails is logged (redacted) and its batch lost to readers: the step's own work goes on.
 */
export interface EventPublisher {
  /** The run's `onEvent`: takes each event, renames and numbers it, and buffers it for the next step. */
  readonly onEvent: (event: AgentEvent | CustomEvent) => void;
  /** The step runner of the run: each model call and tool execution is a DBOS step named by its step id. */
  readonly stepRunner: StepRunner;
  /** Writes what is buffered, as a DBOS step of its own (once a pause is stored, and at the end of the run). */
  flush(): Promise<void>;
}

/**
 * Creates the EventPublisher of one workflow execution of run `runId`. The events carry `runId` in
 * place of the agent's own run id, which is new in each execution, and a `seq` numbered here, one
 * counter for the whole workflow: the agent restarts its own `seq` in each stretch (the run, then each
 * resume after an approval), and batches reach the stream in the order they were taken. A replay
 * emits the same events, so a reader drops a repeat by its `seq` (after a crash, tool calls that ran
 * at once may end in another order, and so be numbered differently; each is still written once).
 */
export function createEventPublisher(runId: string, running: RunningRun): EventPublisher {
  let agentRunId: string | undefined;
  let seq = 0;
  let buffer: DurableRunEvent[] = [];
  // From an `approval-requested` on, events wait for `flush`, which the workflow calls once the pending
  // approvals are stored: a reader that sees the request can approve at once.
  let holding = false;
  const take = (): DurableRunEvent[] => {
    const batch = buffer;
    buffer = [];
    return batch;
  };
  // Each batch takes its place in the order of writes when it is taken, in the order the run emitted
  // it: steps that run at once (parallel tool calls) reach their bodies in any order, after DBOS's own
  // queries, and a batch written late would be dropped by readers as a repeat. A body waits for the
  // places before its own, then writes; a step DBOS answers from its record (a replay: the first
  // execution wrote the batch) gives its place up unwritten. The write itself must happen inside the
  // body: DBOS counts a stream write made by the workflow itself as an operation of the workflow.
  let lastPlace: Promise<void> = Promise.resolve();
  const inStep = <Result>(batch: DurableRunEvent[], id: string, work: () => Promise<Result>): Promise<Result> => {
    const before = lastPlace;
    let done: () => void = () => undefined;
    lastPlace = new Promise<void>((resolve) => (done = resolve));
    const step = DBOS.runStep(
      () =>
        running.step(async () => {
          await before;
          try {
            if (batch.length > 0) await DBOS.writeStream(EVENTS_STREAM, batch);
          } catch (error) {
            // Logged, never thrown: it would be recorded as the failure of the step's model call or tool.
            const seqs = `${String(batch[0]?.seq)}-${String(batch.at(-1)?.seq)}`;
            getLogger().warn(`dbos: events ${seqs} of run ${runId} were not published: ${describeThrown(error)}`);
          } finally {
            done();
          }
          return work();
        }),
      { name: id },
    );
    return step.finally(done);
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
      buffer.push(toDurableEvent(renamed));
    },
    stepRunner: {
      // The batch is taken now, synchronously: the events before this step, in the order the run emitted them.
      run: (id, work) => inStep(holding ? [] : take(), id, () => refuseNestedPause(work(), id)),
    },
    flush: () => {
      holding = false;
      return inStep(take(), 'events', () => Promise.resolve());
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
