import type { AgentEvent, CustomEvent } from './agent-events.ts';
import type { ApprovalDecision } from './approvals.ts';
import type { RunResult, RunUsage } from './run-result.ts';
import type { RunSnapshot } from './run-snapshot.ts';
import type { RunScope } from '../tools/tool.ts';

/**
 * What a run offers the agents its tools run (`asTool`): its listeners, its usage, and its
 * approvals, so that a sub-run's events, tokens and pauses are the parent's too.
 */
export interface SubRunHooks {
  /** Tells the parent's listeners one of the sub-run's events. */
  notify(event: AgentEvent | CustomEvent): void;
  /** The sub-run of call `callId` in the current step, saved when it paused, with the decisions on it. */
  saved(callId: string): { snapshot: RunSnapshot; approvals: Record<string, ApprovalDecision> } | undefined;
  /** The sub-run of call `callId` paused for approval: the parent waits for the same decisions. */
  paused(callId: string, result: RunResult): void;
  /** The sub-run of call `callId` ended, having used `usage`. */
  finished(callId: string, usage: RunUsage): void;
}

/** A run whose tools may run agents: it makes its hooks when the first one asks. */
export interface SubRunHost {
  subRunHooks(): SubRunHooks;
}

// Keyed by the run's scope, which every tool call of the run gets in its context, so no public
// type has to carry the hooks.
const hostsByScope = new WeakMap<RunScope, SubRunHost>();

/** Gives the tools of the run with `scope` the run's sub-run hooks. */
export function attachSubRunHooks(scope: RunScope, host: SubRunHost): void {
  hostsByScope.set(scope, host);
}

/** The sub-run hooks of the run with `scope`; undefined for a tool called outside any agent run. */
export function subRunHooks(scope: RunScope): SubRunHooks | undefined {
  return hostsByScope.get(scope)?.subRunHooks();
}

/** Thrown by an agent's tool when its sub-run paused: the call waits for approval, not failed. */
export class SubRunPaused extends Error {
  constructor() {
    super('The sub-agent waits for approval.');
    this.name = 'SubRunPaused';
  }
}
