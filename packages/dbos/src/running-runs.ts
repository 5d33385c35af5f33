import { DBOS } from '@dbos-inc/dbos-sdk';
import { RunAbortedError } from '@tinyagent/core';

/** One run as its workflow executes in a worker, with the signal its model calls and tools get. */
export interface RunningRun extends Disposable {
  /** Aborts when the run is cancelled from any process, or when the worker closes. */
  readonly signal: AbortSignal;
  /** Whether the worker closed while the run went on here: the run then ends with nothing recorded. */
  readonly stopped: boolean;
  /**
   * Runs `work` as the body of one of the run's DBOS steps. While it runs, a cancellation of the run
   * (DBOS's `stepStatus.cancelSignal`) aborts the run's signal. A step that fails because the worker
   * closed never settles: DBOS records nothing, and the worker that recovers the run runs it again.
   */
  step<Result>(work: () => Promise<Result>): Promise<Result>;
}

/** The runs a worker executes now. */
export interface RunningRuns {
  /** Registers run `runId` for as long as its workflow executes here (dispose the result at its end). */
  start(runId: string): RunningRun;
  /** Stops every run going on here for the worker's close: their signals abort, their steps stay unrecorded. */
  stopAll(): void;
}

/** Creates the RunningRuns of one worker. */
export function createRunningRuns(): RunningRuns {
  const controllers = new Set<AbortController>();
  let stopped = false;
  // A call, so that the compiler does not narrow the flag across the awaits that may change it.
  const isStopped = (): boolean => stopped;
  const stop = (controller: AbortController): void =>
    controller.abort(new RunAbortedError('The durable worker closed.', { timedOut: false }));
  return {
    start: (runId) => {
      const controller = new AbortController();
      controllers.add(controller);
      if (isStopped()) stop(controller);
      const cancel = (): void =>
        controller.abort(new RunAbortedError(`Durable run ${runId} was cancelled.`, { timedOut: false }));
      return {
        signal: controller.signal,
        get stopped() {
          return isStopped();
        },
        step: async <Result>(work: () => Promise<Result>): Promise<Result> => {
          if (isStopped()) return parked();
          // DBOS polls for the cancellation only while a step reads this signal.
          const cancelled = DBOS.stepStatus?.cancelSignal;
          if (cancelled?.aborted === true) cancel();
          cancelled?.addEventListener('abort', cancel, { once: true });
          try {
            return await work();
          } catch (error) {
            if (isStopped()) return await parked<Result>();
            throw error;
          } finally {
            cancelled?.removeEventListener('abort', cancel);
          }
        },
        [Symbol.dispose]: () => controllers.delete(controller),
      };
    },
    stopAll: () => {
      stopped = true;
      for (const controller of controllers) stop(controller);
    },
  };
}

/** A promise that never settles: the end of a run whose worker closed, left for DBOS to recover. */
export function parked<Result>(): Promise<Result> {
  return new Promise<Result>(() => undefined);
}
