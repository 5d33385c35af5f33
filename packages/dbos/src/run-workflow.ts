import { DBOS, Error as DBOSErrors } from '@dbos-inc/dbos-sdk';
import { ConfigurationError, RunAbortedError } from '@tinyagent/core';
import type { ApprovalDecision, PendingApproval, RunResult } from '@tinyagent/core';
import { EVENTS_STREAM, createEventPublisher, outcomeFields } from './event-publisher.ts';
import { parked } from './running-runs.ts';
import type { RunningRun, RunningRuns } from './running-runs.ts';
import type { ApprovalMessage, DurableAgent, DurableRunOutcome } from './durable-types.ts';

/** The name of the DBOS workflow every durable run is; clients enqueue it by this name. */
export const WORKFLOW_NAME = 'tinyagent-run';
/** The DBOS message topic of approval decisions. */
export const APPROVAL_TOPIC = 'tinyagent-approval';
/** The DBOS event that holds what a paused run waits for (an empty list when it waits for nothing). */
export const PENDING_APPROVALS_EVENT = 'tinyagent-pending-approvals';

/** The input of the workflow, stored in PostgreSQL: plain data only. */
export interface RunInput {
  /** The name of the agent, as the workers' `agents` has it. */
  agent: string;
  /** The task as submitted. */
  task: string;
  /** The run's step limit, when the submission set one. */
  maxSteps?: number | undefined;
}

// A paused run may wait days for a person; each wait is one recorded `recv`, renewed when it times out.
const APPROVAL_WAIT_SECONDS = 24 * 60 * 60;

/**
 * The body of the workflow: the agent's run with every model call and tool execution as a DBOS step,
 * then, while it pauses for approval, a durable wait for the decisions and `agent.resume` from the
 * pause's snapshot. DBOS replays this function after a crash; every step it recorded returns its
 * recorded result, so the run goes on after its last completed step.
 */
export async function runWorkflow(
  agents: ReadonlyMap<string, DurableAgent>,
  runningRuns: RunningRuns,
  runId: string,
  input: RunInput,
): Promise<DurableRunOutcome> {
  const agent = agents.get(input.agent);
  if (agent === undefined) {
    throw new ConfigurationError(
      `No agent named '${input.agent}' on this worker (it has ${[...agents.keys()].join(', ')}): start every worker with the same agents.`,
    );
  }
  using running = runningRuns.start(runId);
  const publisher = createEventPublisher(runId, running);
  const options = {
    returnResult: true as const,
    stepRunner: publisher.stepRunner,
    onEvent: publisher.onEvent,
    signal: running.signal,
    ...(input.maxSteps === undefined ? {} : { maxSteps: input.maxSteps }),
  };
  let result = await agent.run(input.task, options);
  await endIfStopped(result, running);
  while (result.state === 'awaiting_approval' && result.snapshot !== undefined) {
    await DBOS.setEvent(PENDING_APPROVALS_EVENT, result.pendingApprovals ?? []);
    await publisher.flush();
    const approvals = await waitForDecisions(result.pendingApprovals ?? []);
    result = await agent.resume(result.snapshot, { ...options, approvals });
    await endIfStopped(result, running);
  }
  await publisher.flush();
  await DBOS.closeStream(EVENTS_STREAM);
  if (result.state === 'awaiting_approval') {
    // Only an agent that pauses without a snapshot lands here: nothing could resume it.
    const error = {
      name: 'ConfigurationError',
      message: `Agent '${input.agent}' paused for approval without a snapshot to resume from.`,
    };
    return { runId, ...outcomeFields(result), state: 'error', error };
  }
  return { runId, ...outcomeFields(result), state: result.state };
}

// Waits for one decision per pending call; decisions on calls the run does not wait for are ignored.
// After each decision the calls still undecided are published, so `approve` refuses another decision
// on a decided call instead of sending one the run would ignore.
async function waitForDecisions(pending: readonly PendingApproval[]): Promise<Record<string, ApprovalDecision>> {
  const waiting = new Set(pending.map((approval) => approval.callId));
  const approvals: Record<string, ApprovalDecision> = {};
  while (waiting.size > 0) {
    const message = await DBOS.recv<ApprovalMessage>(APPROVAL_TOPIC, { timeoutSeconds: APPROVAL_WAIT_SECONDS });
    if (message === null || !waiting.has(message.callId)) continue;
    waiting.delete(message.callId);
    approvals[message.callId] = message.decision;
    await DBOS.setEvent(
      PENDING_APPROVALS_EVENT,
      pending.filter((approval) => waiting.has(approval.callId)),
    );
  }
  return approvals;
}

// A cancelled workflow's next DBOS step throws, and the step in flight has the run's signal aborted;
// either way the agent's run ends with the error as its result. The workflow ends with it too: DBOS
// keeps the run cancelled, and no step after it runs. A run stopped by its worker's close never ends
// here: nothing is recorded, and the worker that recovers it goes on after its last completed step.
async function endIfStopped(result: RunResult, running: RunningRun): Promise<void> {
  if (running.stopped) await parked();
  if (result.error instanceof DBOSErrors.DBOSWorkflowCancelledError) throw result.error;
  if (running.signal.aborted) {
    throw result.error ?? new RunAbortedError('The run was cancelled.', { timedOut: false });
  }
}
