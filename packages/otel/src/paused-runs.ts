import type { SpanContext } from '@opentelemetry/api';

// The spans of runs that paused for approval in this process, by run id, so that the run resuming
// one (same id) links to it. Bounded: a process that pauses runs and never resumes them keeps only
// the latest; beyond that, and across processes, the shared gen_ai.conversation.id still ties them.
const LIMIT = 1_000;
const pausedRuns = new Map<string, SpanContext>();

/** Keeps the span of a run that paused, for the run that resumes it. */
export function rememberPausedRun(runId: string, span: SpanContext): void {
  pausedRuns.delete(runId);
  pausedRuns.set(runId, span);
  if (pausedRuns.size > LIMIT) {
    const oldest = pausedRuns.keys().next().value;
    if (oldest !== undefined) pausedRuns.delete(oldest);
  }
}

/** The span of the paused run `runId` continues, if this process saw it pause. */
export function pausedRunLink(runId: string): SpanContext | undefined {
  return pausedRuns.get(runId);
}

/** Drops a run that ended for good. */
export function forgetPausedRun(runId: string): void {
  pausedRuns.delete(runId);
}
