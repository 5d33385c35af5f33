import type {
  AgentEvent,
  ApprovalDecision,
  CustomEvent,
  PendingApproval,
  ResumeOptions,
  RunOptionsWithResult,
  RunResult,
  RunSnapshot,
  RunState,
  RunUsage,
  ToolEndEvent,
  RunEndEvent,
} from '@tinyagent/core';

/**
 * What a durable worker needs of an agent: `run` and `resume` with a RunResult. Every TinyAgent agent
 * (ReactAgent, TinyCodeAgent, any `Agent`) is one.
 */
export interface DurableAgent {
  run(task: string, options: RunOptionsWithResult): Promise<RunResult>;
  resume(snapshot: RunSnapshot, options: ResumeOptions & { returnResult: true }): Promise<RunResult>;
}

/** Where a durable run is: waiting on the queue, running (or waiting to be recovered), paused, or ended. */
export type DurableRunStatus = 'queued' | 'running' | 'awaiting_approval' | 'finished' | 'failed' | 'cancelled';

/** How a durable run ended: a RunResult's plain-data part, as stored in PostgreSQL. */
export interface DurableRunOutcome {
  /** The run's id: the DBOS workflow id, chosen at submission. */
  runId: string;
  /** How the agent's run ended (never `awaiting_approval`: a paused run waits in its workflow). */
  state: Exclude<RunState, 'awaiting_approval'>;
  /** The final answer as text; empty when the run ended without one. */
  output: string;
  /** The model turns the run took, across its pauses for approval. */
  stepsTaken: number;
  /** The tokens the run's model calls used, its sub-agents' (asTool) included. */
  usage: RunUsage;
  /** Why the run failed, for `error`, `aborted` and `step_limit_reached` without an answer. */
  error?: { name: string; message: string } | undefined;
}

/** A `tool-end` as observers in other processes get it: the thrown error reduced to its name and message. */
export type DurableToolEndEvent = Omit<ToolEndEvent, 'error'> & {
  error?: { name: string; message: string } | undefined;
};

/**
 * The `run-end` of each stretch of the run (the agent's run, then each resume after an approval), with the
 * outcome in place of the RunResult, and the pending approvals when the stretch ended in a pause.
 */
export type DurableRunEndEvent = Omit<RunEndEvent, 'result'> & {
  result: Omit<DurableRunOutcome, 'state' | 'runId'> & {
    state: RunState;
    pendingApprovals?: PendingApproval[] | undefined;
  };
};

/**
 * An event of a durable run as any process reads it (`events(runId)`): core's events as plain JSON.
 * An agent's own events (the code agent's `code-start`, say) arrive as they are: name their type as
 * `Custom` (e.g. `CodeAgentEvent`) to have them typed; the default leaves them out so that `type`
 * narrows core's events. Every event's `seq` is its place in the durable run's stream, one sequence
 * across the run's pauses (and the events of agents it calls as tools), not the agent's own count.
 */
export type DurableRunEvent<Custom extends CustomEvent = never> =
  Exclude<AgentEvent, ToolEndEvent | RunEndEvent> | DurableToolEndEvent | DurableRunEndEvent | Custom;

/** The decision sent to a waiting run, by call. */
export interface ApprovalMessage {
  callId: string;
  decision: ApprovalDecision;
}
