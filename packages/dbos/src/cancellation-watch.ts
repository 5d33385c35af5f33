import { DBOS } from '@dbos-inc/dbos-sdk';
import { createDbosLogger } from './database-url.ts';

/** One run's part in the watch: aborted when the run is cancelled; disposing it ends the watching. */
export interface WatchedRun extends Disposable {
  readonly signal: AbortSignal;
}

/**
 * Watches the runs going on in this worker for a cancellation sent from any process, and aborts the
 * cancelled ones' signals, so that the model call or tool in flight stops instead of running to its
 * end. DBOS alone refuses only the next step.
 */
export interface CancellationWatch {
  watch(runId: string): WatchedRun;
  stop(): void;
}

/** Starts a CancellationWatch that looks every `intervalMs` (only while runs are going on). */
export function startCancellationWatch(intervalMs: number): CancellationWatch {
  const running = new Map<string, AbortController>();
  let looking = false;
  const look = async (): Promise<void> => {
    const cancelled = await DBOS.listWorkflows({ workflowIDs: [...running.keys()], status: 'CANCELLED' });
    for (const workflow of cancelled) running.get(workflow.workflowID)?.abort(new Error('The run was cancelled.'));
  };
  // Started here, outside every workflow: the look is no step of any run.
  const timer = setInterval(() => {
    if (looking || running.size === 0) return;
    looking = true;
    look()
      .catch((error: unknown) => createDbosLogger().warn(error))
      .finally(() => (looking = false));
  }, intervalMs);
  timer.unref();
  return {
    watch: (runId) => {
      const controller = new AbortController();
      running.set(runId, controller);
      return {
        signal: controller.signal,
        [Symbol.dispose]: () => {
          if (running.get(runId) === controller) running.delete(runId);
        },
      };
    },
    stop: () => clearInterval(timer),
  };
}
