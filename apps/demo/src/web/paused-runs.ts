import type { RunSnapshot } from '@tinyagent/core';

/** How many paused runs the server keeps, and for how long. */
export interface PausedRunsOptions {
  /** At most this many; the oldest goes first when another one pauses. */
  maxRuns: number;
  /** A run waiting longer than this is forgotten: nobody is coming back to decide. */
  maxAgeMs: number;
  /** The clock, in milliseconds; `Date.now` by default. */
  now?: () => number;
}

/** The snapshots of runs waiting for a decision, by runId, bounded in number and age. */
export interface PausedRuns {
  /** Keeps the snapshot of a run that paused, replacing an older one of the same run. */
  keep(snapshot: RunSnapshot): void;
  /** The snapshot of a paused run, still kept; undefined when unknown or expired. */
  peek(runId: string): RunSnapshot | undefined;
  /**
   * Removes and returns the snapshot of a paused run. A snapshot is state, not a ticket: resuming one
   * twice would send an approved email twice, so whoever resumes it takes it.
   */
  take(runId: string): RunSnapshot | undefined;
  readonly size: number;
}

/** Creates the store of paused runs. */
export function createPausedRuns(options: PausedRunsOptions): PausedRuns {
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order, so the first entries are the oldest.
  const runs = new Map<string, { snapshot: RunSnapshot; pausedAt: number }>();

  const forgetExpired = (): void => {
    for (const [runId, entry] of runs) {
      if (now() - entry.pausedAt <= options.maxAgeMs) break;
      runs.delete(runId);
    }
  };

  return {
    keep(snapshot) {
      runs.delete(snapshot.runId);
      forgetExpired();
      while (runs.size >= options.maxRuns) {
        const oldest = runs.keys().next();
        if (oldest.done === true) break;
        runs.delete(oldest.value);
      }
      runs.set(snapshot.runId, { snapshot, pausedAt: now() });
    },
    peek(runId) {
      forgetExpired();
      return runs.get(runId)?.snapshot;
    },
    take(runId) {
      const snapshot = this.peek(runId);
      runs.delete(runId);
      return snapshot;
    },
    get size() {
      forgetExpired();
      return runs.size;
    },
  };
}
