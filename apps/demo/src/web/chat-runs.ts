import type { AgentEvent, ApprovalDecision, ChatMessage, RunResult } from '@tinyagent/core';
import type { ReactAgent } from '@tinyagent/react-agent';
import { createPausedRuns } from './paused-runs.ts';
import type { PausedRunsOptions } from './paused-runs.ts';
import { RequestError } from './request-body.ts';

// Enough for a tool or two and an answer; a real model that loops stops here.
const MAX_STEPS = 8;

/** What the chat server keeps of its runs, and how many it runs at once. */
export interface ChatRunsOptions {
  agent: ReactAgent;
  /** Runs streaming at once, across all pages; one more is refused with 503. */
  maxActiveRuns: number;
  pausedRuns: PausedRunsOptions;
  /** Told how each run ended (or paused), also when nobody reads its stream any more. */
  onRunEnd?: ((result: RunResult) => void) | undefined;
}

/** A run the server is streaming: its events, and the end of its slot once they are written. */
export interface ChatRun {
  events: AsyncIterable<AgentEvent>;
  /** Frees the run's slot; call it once the events are written, or the stream is given up. */
  release(): void;
}

/** The runs of the web chat: started, paused for approval, resumed, stopped. */
export interface ChatRuns {
  /** Starts a run on `question`, after the earlier turns of the conversation. */
  start(question: string, history: readonly ChatMessage[]): ChatRun;
  /** Resumes a paused run with the decisions on its pending calls. */
  resume(runId: string, approvals: Readonly<Record<string, ApprovalDecision>>): ChatRun;
  /** Aborts a streaming run; false when no such run is streaming. */
  stop(runId: string): boolean;
  /** Aborts every run, for shutdown. */
  stopAll(): void;
  /** Runs streaming now. */
  readonly active: number;
}

/** Creates the chat's run bookkeeping. */
export function createChatRuns(options: ChatRunsOptions): ChatRuns {
  const { agent } = options;
  const paused = createPausedRuns(options.pausedRuns);
  const streaming = new Map<string, AbortController>();
  const slots = new Set<AbortController>();

  const claimSlot = (): { controller: AbortController; release: () => void } => {
    if (slots.size >= options.maxActiveRuns) {
      throw new RequestError(
        503,
        `The server is running as many chats as it may (${slots.size}); try again when one has ended.`,
      );
    }
    const controller = new AbortController();
    slots.add(controller);
    const release = (): void => {
      slots.delete(controller);
      // A stream given up before its end (the page went away) must not leave its run going.
      if (!controller.signal.aborted) controller.abort(new Error('the page stopped listening'));
    };
    return { controller, release };
  };

  // Bookkeeping from onEvent rather than the stream: onEvent hears run-end even when nobody reads
  // the stream any more (a page that closed), so an aborted run is still recorded as ended.
  const track = (controller: AbortController) => (event: AgentEvent) => {
    if (event.type === 'run-start') streaming.set(event.runId, controller);
    if (event.type !== 'run-end') return;
    streaming.delete(event.runId);
    if (event.result.state === 'awaiting_approval' && event.result.snapshot !== undefined) {
      paused.keep(event.result.snapshot);
    }
    options.onRunEnd?.(event.result);
  };

  return {
    start(question, history) {
      const { controller, release } = claimSlot();
      const events = agent.stream(question, {
        history,
        maxSteps: MAX_STEPS,
        deltas: true,
        signal: controller.signal,
        onEvent: track(controller),
      });
      return { events, release };
    },
    resume(runId, approvals) {
      const snapshot = paused.peek(runId);
      if (snapshot === undefined) {
        throw new RequestError(404, `No run ${runId} is waiting for a decision (it ended, or waited too long).`);
      }
      const waiting = new Set(snapshot.pendingApprovals.map((pending) => pending.callId));
      const unknown = Object.keys(approvals).find((callId) => !waiting.has(callId));
      if (unknown !== undefined)
        throw new RequestError(400, `Run ${runId} does not wait for a decision on ${unknown}.`);
      const { controller, release } = claimSlot();
      // Taken only now: a bad request leaves the run waiting for a good one.
      paused.take(runId);
      const events = agent.resumeStream(snapshot, {
        approvals,
        maxSteps: MAX_STEPS,
        deltas: true,
        signal: controller.signal,
        onEvent: track(controller),
      });
      return { events, release };
    },
    stop(runId) {
      const controller = streaming.get(runId);
      if (controller === undefined) return false;
      controller.abort(new Error('stopped from the page'));
      return true;
    },
    stopAll() {
      for (const controller of slots) controller.abort(new Error('the server is shutting down'));
    },
    get active() {
      return slots.size;
    },
  };
}
