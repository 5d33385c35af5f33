import { Error as DBOSErrors } from '@dbos-inc/dbos-sdk';
import type { DBOSClient } from '@dbos-inc/dbos-sdk';
import { ConfigurationError, RunAbortedError } from '@tinyagent/core';
import type { CustomEvent, PendingApproval } from '@tinyagent/core';
import { EVENTS_STREAM } from './event-publisher.ts';
import { PENDING_APPROVALS_EVENT } from './run-workflow.ts';
import type { DurableRunEvent, DurableRunOutcome, DurableRunStatus } from './durable-types.ts';

/** A durable run as any process sees it, by its id: where it is, its outcome, its events. */
export interface DurableRunHandle {
  /** The run's id (its DBOS workflow id). */
  readonly runId: string;
  /** Where the run is now. Throws ConfigurationError for an id no run has. */
  status(): Promise<DurableRunStatus>;
  /**
   * What the run waits for: empty unless its status is `awaiting_approval` (or `queued`, when
   * `recoverRuns` re-queued it while it waited), and always once the run ended.
   */
  pendingApprovals(): Promise<PendingApproval[]>;
  /**
   * Waits for the run to end and resolves with its outcome, however the agent's run ended. Rejects
   * with RunAbortedError when the run was cancelled, with the workflow's error when it failed, and
   * with ConfigurationError for an id no run has.
   */
  result(): Promise<DurableRunOutcome>;
  /**
   * Cancels the run, wherever it runs or waits; a run that already ended stays as it ended. Throws
   * ConfigurationError for an id no run has.
   */
  cancel(): Promise<void>;
  /**
   * The run's events from its start, as they are published (in batches, at each step), ending when the
   * run ends. Each event is delivered once: a batch written again after a crash is not repeated. Throws
   * ConfigurationError for an id no run has.
   */
  events<Custom extends CustomEvent = never>(): AsyncIterable<DurableRunEvent<Custom>>;
}

/** The DurableRunHandle of run `runId`, read through `client`, polling every `pollingIntervalMs`. */
export function createRunHandle(client: DBOSClient, runId: string, pollingIntervalMs: number): DurableRunHandle {
  // The event keeps the last pause's list after the run ends (cancelled while it waited, say): an
  // ended run waits for nothing. A queued one may: recoverRuns re-queues a run paused for approval.
  const waitingFor = async (workflowStatus: string | undefined): Promise<PendingApproval[]> =>
    workflowStatus === undefined || !ACTIVE_STATUSES.has(workflowStatus)
      ? []
      : ((await client.getEvent<PendingApproval[]>(runId, PENDING_APPROVALS_EVENT, { timeoutSeconds: 0 })) ?? []);
  // DBOS waits on an id no workflow has as on a run not yet ended: forever. So the id is looked up first.
  const checkExists = async (): Promise<void> => {
    if ((await client.getWorkflow(runId)) === undefined) throw unknownRunError(runId);
  };
  return {
    runId,
    status: async () => {
      const workflow = await client.getWorkflow(runId);
      if (workflow === undefined) throw unknownRunError(runId);
      switch (workflow.status) {
        case 'ENQUEUED':
        case 'DELAYED':
          return 'queued';
        case 'PENDING':
          return (await waitingFor(workflow.status)).length > 0 ? 'awaiting_approval' : 'running';
        case 'SUCCESS':
          return 'finished';
        case 'CANCELLED':
          return 'cancelled';
        default:
          return 'failed';
      }
    },
    pendingApprovals: async () => waitingFor((await client.getWorkflow(runId))?.status),
    result: async () => {
      await checkExists();
      try {
        return await client.retrieveWorkflow<DurableRunOutcome>(runId).getResult({ pollingIntervalMs });
      } catch (error) {
        if (error instanceof DBOSErrors.DBOSAwaitedWorkflowCancelledError) {
          throw new RunAbortedError(`Durable run ${runId} was cancelled.`, { timedOut: false, cause: error });
        }
        if (error instanceof DBOSErrors.DBOSNonExistentWorkflowError) throw unknownRunError(runId, error);
        throw error;
      }
    },
    cancel: async () => {
      await checkExists();
      await client.cancelWorkflow(runId);
    },
    events: <Custom extends CustomEvent = never>() => readEvents<Custom>(client, runId, pollingIntervalMs),
  };
}

async function* readEvents<Custom extends CustomEvent>(
  client: DBOSClient,
  runId: string,
  pollingIntervalMs: number,
): AsyncGenerator<DurableRunEvent<Custom>> {
  // A crash inside a step can write the batch before it again. The workflow numbers every event of
  // the run with one counter, the same in every execution: a repeat is an event at or below the last.
  let last = 0;
  try {
    for await (const batch of client.readStream<DurableRunEvent<Custom>[]>(runId, EVENTS_STREAM, {
      pollingIntervalMs,
    })) {
      for (const event of batch) {
        if (event.seq <= last) continue;
        last = event.seq;
        yield event;
      }
    }
  } catch (error) {
    if (error instanceof DBOSErrors.DBOSNonExistentWorkflowError) throw unknownRunError(runId, error);
    throw error;
  }
}

// The DBOS statuses of a run that has not ended: queued, delayed, or running (or paused) on a worker.
const ACTIVE_STATUSES: ReadonlySet<string> = new Set(['ENQUEUED', 'DELAYED', 'PENDING']);

/** The ConfigurationError of a run id that no run has. */
export function unknownRunError(runId: string, cause?: unknown): ConfigurationError {
  return new ConfigurationError(
    `No durable run has the id '${runId}': use the runId of a handle from submit(), on the same database and application.`,
    cause === undefined ? undefined : { cause },
  );
}
