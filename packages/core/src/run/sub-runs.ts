import type { AgentEvent, CustomEvent } from './agent-events.ts';
import type { ApprovalDecision, PendingApproval } from './approvals.ts';
import type { RunResult, RunUsage } from './run-result.ts';
import { mergeUsage } from './run-result.ts';
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

/** What a run's sub-runs need of it. */
export interface SubRunParent {
  readonly id: string;
  /** The step in progress: a sub-run belongs to a tool call of it. */
  readonly step: number;
  readonly usage: RunUsage;
  /** The decisions taken in the current step on calls whose ids begin with `prefix`, by the rest of the id. */
  decisionsUnder(prefix: string): Record<string, ApprovalDecision>;
  /** Tells the run's listeners an event. */
  tell(event: AgentEvent | CustomEvent): void;
  addPendingApproval(pending: PendingApproval): void;
}

/**
 * The sub-runs of one run (the agents its tools ran, asTool): those that paused, by step and call,
 * for its snapshot and its resume; and the usage of those that finished, until their calls take it.
 */
export class SubRuns implements SubRunHooks {
  readonly #parent: SubRunParent;
  readonly #paused = new Map<string, RunSnapshot>();
  readonly #usage = new Map<string, RunUsage>();

  /** The sub-runs of `parent`, with those a snapshot it resumes saved. */
  constructor(parent: SubRunParent, saved: RunSnapshot['subRuns'] = []) {
    this.#parent = parent;
    for (const entry of saved) this.#paused.set(`${entry.step}/${entry.callId}`, entry.snapshot);
  }

  notify(event: AgentEvent | CustomEvent): void {
    // A sub-run's own sub-runs' events come through it already naming their parent.
    this.#parent.tell({ parentRunId: this.#parent.id, ...event });
  }

  saved(callId: string): { snapshot: RunSnapshot; approvals: Record<string, ApprovalDecision> } | undefined {
    const snapshot = this.#paused.get(this.#key(callId));
    return snapshot === undefined ? undefined : { snapshot, approvals: this.#parent.decisionsUnder(`${callId}/`) };
  }

  paused(callId: string, result: RunResult): void {
    if (result.snapshot === undefined) return;
    const parent = this.#parent;
    this.#paused.set(this.#key(callId), result.snapshot);
    // Not recorded: on resume, the sub-run's usage comes whole with its answer.
    mergeUsage(parent.usage, result.usage);
    for (const pending of result.pendingApprovals ?? []) {
      parent.addPendingApproval({ ...pending, callId: `${callId}/${pending.callId}`, step: parent.step });
    }
  }

  finished(callId: string, usage: RunUsage): void {
    this.#paused.delete(this.#key(callId));
    this.#usage.set(callId, usage);
  }

  /** Takes the usage of the sub-run of call `callId`, if one finished. */
  takeUsage(callId: string): RunUsage | undefined {
    const usage = this.#usage.get(callId);
    this.#usage.delete(callId);
    return usage;
  }

  /** The paused sub-runs, for the run's snapshot. */
  snapshot(): RunSnapshot['subRuns'] {
    return [...this.#paused].map(([key, snapshot]) => {
      const slash = key.indexOf('/');
      return { step: Number(key.slice(0, slash)), callId: key.slice(slash + 1), snapshot };
    });
  }

  #key(callId: string): string {
    return `${this.#parent.step}/${callId}`;
  }
}
